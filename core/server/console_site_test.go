package server_test

import (
	"strings"
	"testing"
)

// TestConsoleSessionEndsWithSiteChange: a console session lasts only as
// long as its token would still be accepted: a change of its site that
// refuses the token ends the session on the next page, for good.
func TestConsoleSessionEndsWithSiteChange(t *testing.T) {
	for _, tc := range refusingSiteChanges {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, asAdmin())
			cookie := h.login(t)
			if _, body := h.get("/ui/", "Cookie", "cratos_console="+cookie); !strings.Contains(body, "<h1>Sites and feeds</h1>") {
				t.Fatalf("page with the session:\n%.300s", body)
			}
			undo := h.changeSite(t, tc.site, tc.always)
			if resp, body := h.get("/ui/", "Cookie", "cratos_console="+cookie); resp.StatusCode != 200 || !strings.Contains(body, `action="/ui/login"`) {
				t.Errorf("after the change: %d, want the login form:\n%.300s", resp.StatusCode, body)
			}
			undo()
			if _, body := h.get("/ui/", "Cookie", "cratos_console="+cookie); !strings.Contains(body, `action="/ui/login"`) {
				t.Errorf("after undoing it: the ended session is back:\n%.300s", body)
			}
		})
	}
}
