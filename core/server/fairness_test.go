package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

func TestFailuresNeverLockOutValidTokens(t *testing.T) {
	h, bad := newLockoutHarness(t, 5, "127.0.0.2/32")
	failTokens(t, h, bad, 8, 5, func(int) []string { return nil })
	// A valid token from the same address is served.
	if resp, body := h.authed(feedPath); resp.StatusCode != 200 {
		t.Errorf("valid token after others failed: %d %s, want 200", resp.StatusCode, body)
	}
	if resp, _ := h.get(feedPath, "token", bad); resp.StatusCode != 429 {
		t.Errorf("bad token after a valid one: %d, want 429 (success does not reset failures)", resp.StatusCode)
	}

	// Successful mints do not count as failures, nor lock anyone out.
	mint := `{"proto":"https","domain":"misp.example.net","port":"443","auth":"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD","expire":"2099-01-01"}`
	for i := range 7 {
		resp, body := h.post("/v1/generate_token_json", "application/json", mint)
		if want := map[bool]int{true: 200, false: 429}[i < 5]; resp.StatusCode != want {
			t.Fatalf("mint %d: %d %s, want %d", i, resp.StatusCode, body, want)
		}
	}
	if resp, body := h.authed(feedPath); resp.StatusCode != 200 {
		t.Errorf("valid token after mints: %d %s, want 200", resp.StatusCode, body)
	}
}

func TestIPv6FailuresCountPer64(t *testing.T) {
	h, bad := newLockoutHarness(t, 3, "127.0.0.1/32")
	// Rotating through one /64 does not get around the limit.
	failTokens(t, h, bad, 5, 3, func(i int) []string {
		return []string{"X-Forwarded-For", fmt.Sprintf("2001:db8:0:7::%x", i+1)}
	})
	if resp, body := h.get(feedPath, "token", bad, "X-Forwarded-For", "2001:db8:0:8::1"); resp.StatusCode != 403 {
		t.Errorf("another /64: %d %s, want 403", resp.StatusCode, body)
	}
}

// newLockoutHarness returns a harness that answers 429 to a client after
// limit failed tokens, behind the trusted proxy, and a token that fails.
func newLockoutHarness(t *testing.T, limit int, proxy string) (*harness, string) {
	h := newHarness(t, withConfig(func(c *config.Config) {
		c.AuthFailLimit = limit
		c.TrustedProxies = config.Prefixes{mustPrefix(t, proxy)}
	}))
	return h, h.token[:len(h.token)-4] + "AAAA"
}

// failTokens sends n requests with the failing token bad and the headers
// of request i: the first limit answer 403, the rest 429.
func failTokens(t *testing.T, h *harness, bad string, n, limit int, headers func(i int) []string) {
	t.Helper()
	for i := range n {
		want := 403
		if i >= limit {
			want = 429
		}
		hdr := append([]string{"token", bad}, headers(i)...)
		if resp, body := h.get(feedPath, hdr...); resp.StatusCode != want {
			t.Fatalf("bad token %d %q: %d %s, want %d", i, hdr[2:], resp.StatusCode, body, want)
		}
	}
}

func TestBadForwardingValueIsRefused(t *testing.T) {
	h := newHarness(t, withConfig(func(c *config.Config) {
		c.TrustedProxies = config.Prefixes{mustPrefix(t, "127.0.0.1/32")}
	}))
	tests := []struct {
		name, value string
		status      int
	}{
		{"garbage", "not-an-address", 400},
		{"empty", "", 400},
		{"unknown", "unknown", 400},
		{"garbage after a client", "192.0.2.5, bogus", 400},
		{"a client outside the allowed addresses", "192.0.2.5", 403},
		{"an allowed client", "127.0.0.9", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.authed(feedPath, "X-Forwarded-For", tc.value)
			if resp.StatusCode != tc.status {
				t.Errorf("X-Forwarded-For %q: %d %s, want %d", tc.value, resp.StatusCode, body, tc.status)
			}
			if tc.status == 400 && !strings.Contains(body, "names no client address") {
				t.Errorf("body %s", body)
			}
		})
	}
	// Without the header, the proxy's own request is its own.
	if resp, body := h.authed(feedPath); resp.StatusCode != 200 {
		t.Errorf("no header: %d %s", resp.StatusCode, body)
	}
}

func TestConsoleNonAdminLoginsCountPer64(t *testing.T) {
	h := newHarness(t, withConfig(func(c *config.Config) {
		c.AuthFailLimit = 3
		c.TrustedProxies = config.Prefixes{mustPrefix(t, "127.0.0.1/32")}
	}), withSite(func(s *config.Site) { s.AllowedIPs = append(s.AllowedIPs, mustPrefix(t, "2001:db8::/32")) }))
	bad := h.token[:len(h.token)-4] + "AAAA"
	// A token that is not an admin's counts against the client's /64, as
	// every other failure does.
	for i := range 3 {
		resp, body := h.get("/ui/", "token", h.token, "X-Forwarded-For", fmt.Sprintf("2001:db8:0:7::%x", i+1))
		if resp.StatusCode != 403 || !strings.Contains(body, "not an admin token") {
			t.Fatalf("console login %d: %d %s, want 403", i, resp.StatusCode, body)
		}
	}
	if resp, body := h.get(feedPath, "token", bad, "X-Forwarded-For", "2001:db8:0:7::9"); resp.StatusCode != 429 {
		t.Errorf("bad token from the same /64: %d %s, want 429", resp.StatusCode, body)
	}
}
