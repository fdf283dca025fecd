package server_test

import (
	"strings"
	"testing"
)

// The Consumers page shows a user agent as the access log writes it: a
// device that puts a token in its User-Agent does not show it on screen.
func TestConsoleConsumersRedactUserAgent(t *testing.T) {
	h := newHarness(t, asAdmin(), withConsumer("pa-fw-01"))
	unnamed := h.mint(h.claims)
	// A token-shaped value that is not the request's own token.
	foreign := strings.Repeat("QmFzZTY0", 6)
	cookie := h.login(t)
	for _, tc := range []struct {
		name, token, ua, secret string
	}{
		{"a named consumer's own token", h.token, "PAN-OS 11.1 token=" + h.token, h.token},
		{"an unnamed token's own token", unnamed, "curl/8.5 (" + unnamed + ")", unnamed},
		{"a token-shaped value", h.token, "fw/2 key=" + foreign, foreign},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp, body := h.get(feedPath, "token", tc.token, "User-Agent", tc.ua); resp.StatusCode != 200 {
				t.Fatalf("pull: %d %s", resp.StatusCode, body)
			}
			resp, body := h.get("/ui/consumers", "Cookie", "cratos_console="+cookie)
			if resp.StatusCode != 200 || strings.Contains(body, tc.secret) || !strings.Contains(body, "ANONYMIZED") {
				t.Errorf("consumers page: %d, shows the token or lacks ANONYMIZED:\n%s", resp.StatusCode, body)
			}
		})
	}
}
