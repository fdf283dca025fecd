package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
)

// TestConsoleSessionEndsWithSiteChange: a console session lasts only as
// long as its token would still be accepted: a change of its site that
// refuses the token ends the session on the next page, for good.
func TestConsoleSessionEndsWithSiteChange(t *testing.T) {
	tests := []struct {
		name   string
		site   string // site file lines after tag and allowed_ips
		always bool   // keep 127.0.0.1 in always_allowed_ips
	}{
		{"revoked", "blacklisted_api_tokens:\n  - %FP%\n", true},
		{"disabled", "enabled: false\n", true},
		{"token lifetime", "token_max_days: 1\n", true},
		{"address", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, asAdmin())
			cookie := h.login(t)
			if _, body := h.get("/ui/", "Cookie", "cratos_console="+cookie); !strings.Contains(body, "<h1>Sites and feeds</h1>") {
				t.Fatalf("page with the session:\n%.300s", body)
			}
			orig, always := *h.site, h.cfg.AlwaysAllowedIPs
			allowed := "[127.0.0.0/8]"
			if !tc.always {
				allowed, h.cfg.AlwaysAllowedIPs = "[192.0.2.0/24]", nil
			}
			*h.site = *loadSite(t, h.site.Name, "tag: example\nallowed_ips: "+allowed+"\n"+
				strings.ReplaceAll(tc.site, "%FP%", auth.Fingerprint(h.token)))
			if resp, body := h.get("/ui/", "Cookie", "cratos_console="+cookie); resp.StatusCode != 200 || !strings.Contains(body, `action="/ui/login"`) {
				t.Errorf("after the change: %d, want the login form:\n%.300s", resp.StatusCode, body)
			}
			*h.site, h.cfg.AlwaysAllowedIPs = orig, always
			if _, body := h.get("/ui/", "Cookie", "cratos_console="+cookie); !strings.Contains(body, `action="/ui/login"`) {
				t.Errorf("after undoing it: the ended session is back:\n%.300s", body)
			}
		})
	}
}
