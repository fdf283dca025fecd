package server_test

import (
	"encoding/json"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// TestStatusProbeWantsMISP: /v1/status says a site's MISP is up only
// when MISP itself answers its unauthenticated getVersion (its version,
// or its own refusal of a request without a key), not for any HTTP
// answer: a 500, a login page or a proxy's 403 is not MISP serving.
func TestStatusProbeWantsMISP(t *testing.T) {
	for _, a := range misptest.VersionAnswers {
		t.Run(a.Name, func(t *testing.T) {
			url := misptest.ServeVersionAnswer(t, a)
			h := newHarness(t, asAdmin(), withSite(func(s *config.Site) { s.MISPURL = url }))
			site, body := siteStatus(t, h)
			want := "FAIL"
			if a.FromMISP {
				want = "OK"
			}
			if got := site.MISP; got != want {
				t.Errorf("misp %q, want %q: %s", got, want, body)
			}
		})
	}
}

// siteStatusView is what an admin's /v1/status says of a site.
type siteStatusView struct {
	MISP      string `json:"misp"`
	LastBuild string `json:"last_build"`
	Enabled   bool   `json:"enabled"`
}

// siteStatus returns what an admin's /v1/status says of the harness's
// site, and the whole answer.
func siteStatus(t *testing.T, h *harness) (siteStatusView, string) {
	t.Helper()
	_, body := h.authed("/v1/status")
	var st struct {
		Sites map[string]siteStatusView `json:"sites"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	return st.Sites[h.site.Name], body
}
