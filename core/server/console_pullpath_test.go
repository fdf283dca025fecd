package server_test

import (
	"strings"
	"testing"
)

// The Consumers page shows a pull's path as the access log writes it: a
// device that puts a token in the path of a list URL does not show it on
// screen.
func TestConsoleConsumersRedactPath(t *testing.T) {
	h := newHarness(t, asAdmin(), withConsumer("pa-fw-01"))
	// A token-shaped value that is not the request's own token.
	foreign := strings.Repeat("QmFzZTY0", 6)
	cookie := h.login(t)
	for _, tc := range []struct {
		name, path, secret string
	}{
		{"the request's own token", "/v1/feed/block/type/ipv4/age/1y/output/" + h.token, h.token},
		{"a token-shaped value", "/v1/feed/block/type/ipv4/age/1y/output/" + foreign, foreign},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp, body := h.get(tc.path, "token", h.token); resp.StatusCode != 404 {
				t.Fatalf("pull: %d %s", resp.StatusCode, body)
			}
			resp, body := h.get("/ui/consumers", "Cookie", "cratos_console="+cookie)
			if resp.StatusCode != 200 || strings.Contains(body, tc.secret) || !strings.Contains(body, "ANONYMIZED") {
				t.Errorf("consumers page: %d, shows the token or lacks ANONYMIZED:\n%s", resp.StatusCode, body)
			}
		})
	}
}
