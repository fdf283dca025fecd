package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
)

// TestSiteChangesApplyToNextRequest: once a token has been served (and
// its verification and the list's keys remembered), a change of its site
// refuses the very next request, and undoing the change serves the
// cached list again.
func TestSiteChangesApplyToNextRequest(t *testing.T) {
	for _, tc := range refusingSiteChanges {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if resp, _ := h.authed(feedPath); resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "MISS" {
				t.Fatalf("first request: %d %s", resp.StatusCode, resp.Header.Get("X-Cache"))
			}
			undo := h.changeSite(t, tc.site, tc.always)
			resp, body := h.authed(feedPath)
			if resp.StatusCode != 403 || detailOf(t, body) != tc.detail {
				t.Errorf("after the change: %d %s, want 403 %q", resp.StatusCode, body, tc.detail)
			}
			undo()
			if resp, _ := h.authed(feedPath); resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "HIT" {
				t.Errorf("after undoing it: %d %s, want 200 HIT", resp.StatusCode, resp.Header.Get("X-Cache"))
			}
		})
	}
}

// refusingSiteChanges are changes of the harness's site that refuse its
// token from 127.0.0.1, with the detail of the 403 a feed then answers.
var refusingSiteChanges = []struct {
	name   string
	site   string // site file lines after tag and allowed_ips
	always bool   // keep 127.0.0.1 in always_allowed_ips
	detail string
}{
	{"revoked", "blacklisted_api_tokens:\n  - %FP%\n", true, "The provided API token is blacklisted and cannot be used."},
	{"disabled", "enabled: false\n", true, "site disabled"},
	{"token lifetime", "token_max_days: 1\n", true, "The token expires more than 1 days ahead (token_max_days of this site)."},
	{"address", "", false, "127.0.0.1 are not allowed to access the MISP instance."},
}

// changeSite replaces the harness's site in place, as a reload would, by
// one allowing 127.0.0.0/8 followed by lines (%FP% standing for the
// token's fingerprint); unless always, it allows 192.0.2.0/24 instead and
// empties always_allowed_ips. undo restores both.
func (h *harness) changeSite(t *testing.T, lines string, always bool) (undo func()) {
	t.Helper()
	orig, origAlways := *h.site, h.cfg.AlwaysAllowedIPs
	allowed := "[127.0.0.0/8]"
	if !always {
		allowed, h.cfg.AlwaysAllowedIPs = "[192.0.2.0/24]", nil
	}
	*h.site = *loadSite(t, h.site.Name, "tag: example\nallowed_ips: "+allowed+"\n"+
		strings.ReplaceAll(lines, "%FP%", auth.Fingerprint(h.token)))
	return func() { *h.site, h.cfg.AlwaysAllowedIPs = orig, origAlways }
}

// loadSite loads a site file of the given name and contents, as a reload
// would.
func loadSite(t *testing.T, name, body string) *config.Site {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := config.LoadSite(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
