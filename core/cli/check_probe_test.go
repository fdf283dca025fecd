package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// TestCheckWantsMISP: check says a site's MISP answers only when MISP
// itself answers its unauthenticated getVersion (its version, or its own
// refusal of a request without a key), as /v1/status does: a 500, a
// login page, a redirect or a proxy's 403 is a server answering, not
// MISP, and check exits 1 for it.
func TestCheckWantsMISP(t *testing.T) {
	for _, a := range misptest.VersionAnswers {
		t.Run(a.Name, func(t *testing.T) {
			url := misptest.ServeVersionAnswer(t, a)
			cfg := configWithSite(t, "misp_url: "+url+"\n")
			code, stdout, _ := run1("check", "--config", cfg)
			answers := strings.Contains(stdout, "MISP at "+url+" answers\n")
			if a.FromMISP && (code != 0 || !answers) {
				t.Errorf("exit %d, stdout %q\nwant exit 0 and %q", code, stdout, "answers")
			}
			if !a.FromMISP && (code != 1 || answers || !strings.Contains(stdout, "MISP at "+url+" does not answer")) {
				t.Errorf("exit %d, stdout %q\nwant exit 1 and %q", code, stdout, "does not answer")
			}
		})
	}
}

// A MISP that does not answer in time is said by check to be cut off by
// the site's mispTimeoutSeconds, the setting to tune, not by a caller's
// deadline: check has no caller.
func TestCheckNamesTheSiteTimeout(t *testing.T) {
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hung.Close()
	cfg := configWithSite(t, "misp_url: "+hung.URL+"\nmispTimeoutSeconds: 1\n")
	code, stdout, _ := run1("check", "--config", cfg)
	want := "site misp.example.net: MISP at " + hung.URL + " does not answer: MISP misp.example.net: no answer within the site's mispTimeoutSeconds (1s)\n"
	if code != 1 || !strings.Contains(stdout, want) {
		t.Errorf("exit %d, stdout %q\nwant exit 1 and %q", code, stdout, want)
	}
}
