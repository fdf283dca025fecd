package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// checkRetryAfter fails unless a 429 carries Retry-After: whole seconds
// within the minute its limit is counted over.
func checkRetryAfter(t *testing.T, status int, retryAfter, body string) {
	t.Helper()
	if status != 429 {
		t.Fatalf("status %d %s, want 429", status, body)
	}
	if n, err := strconv.Atoi(retryAfter); err != nil || n < 1 || n > 60 {
		t.Errorf("Retry-After %q, want 1 to 60 seconds", retryAfter)
	}
}

// A client refused for too many failed authentications, or for too many
// token mints, is told when to try again.
func TestFailureLimitsSayWhenToRetry(t *testing.T) {
	h, bad := newLockoutHarness(t, 2, "127.0.0.2/32")
	for range 2 {
		if resp, body := h.get(feedPath, "token", bad); resp.StatusCode != 403 {
			t.Fatalf("failing token: %d %s, want 403", resp.StatusCode, body)
		}
	}
	resp, body := h.get(feedPath, "token", bad)
	checkRetryAfter(t, resp.StatusCode, resp.Header.Get("Retry-After"), body)

	mint := `{"proto":"https","domain":"misp.example.net","port":"443","auth":"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD","expire":"2099-01-01"}`
	for range 2 {
		h.post("/v1/generate_token_json", "application/json", mint)
	}
	resp, body = h.post("/v1/generate_token_json", "application/json", mint)
	checkRetryAfter(t, resp.StatusCode, resp.Header.Get("Retry-After"), body)
}

// With its cold-build budget spent, a token gets the last good copy of a
// list it asks to rebuild, on every list route, and a 429 saying when to
// try again for a list that has none.
func TestColdBudgetServesLastGoodOnEveryRoute(t *testing.T) {
	clock := testtool.NewClock(time.Now())
	h := newHarness(t, withExportClock(clock.Now),
		withConfig(func(c *config.Config) { c.ColdBuildsPerMinute = 1 }),
		withSite(func(s *config.Site) { s.MaxStaleSeconds = -1 }))
	routes := []struct{ name, path, cold string }{
		{"feed", "/v1/feed/block/type/ipv4/age/1y/output/txt", "/v1/feed/block/type/ipv4/age/2y/output/txt"},
		{"feed checksum", "/v1/feed/block/type/ipv4/age/1y/output/edl.md5", "/v1/feed/block/type/ipv4/age/2y/output/edl.md5"},
		{"uuid", "/v1/uuid/" + acmeUUID + "/type/ipv4/age/1y/output/txt", "/v1/uuid/" + acmeUUID + "/type/ipv4/age/2y/output/txt"},
		{"vendor", "/v1/vendor/paloalto/feed/block/type/url/age/1y", "/v1/vendor/paloalto/feed/block/type/url/age/2y"},
		{"vendor checksum", "/v1/vendor/cisco/feed/block/type/ipv4/age/1y.md5", "/v1/vendor/cisco/feed/block/type/ipv4/age/2y.md5"},
	}
	for i, rt := range routes {
		t.Run(rt.name, func(t *testing.T) {
			// A token of its own (another fingerprint, the same MISP
			// key): a budget of its own, the lists of the others.
			claims := h.claims
			claims.Expires = "2098-01-" + strconv.Itoa(10+i)
			token := h.mint(claims)
			var warning string
			get := func(path string) (int, string, string, string) {
				resp, body := h.get(path+"?cache=1", "token", token)
				warning = resp.Header.Get("Warning")
				return resp.StatusCode, resp.Header.Get("X-Cache"), resp.Header.Get("Retry-After"), body
			}
			status, _, _, good := get(rt.path)
			if status != 200 {
				t.Fatalf("first build: %d %s", status, good)
			}
			clock.Advance(2 * time.Second) // past its lifetime, not past the budget's minute
			if status, xc, _, body := get(rt.path); status != 200 || xc != "STALE" || body != good {
				t.Errorf("rebuild past the budget: %d %s %q, want 200 STALE %q", status, xc, body, good)
			}
			// A checksum answer carries no Warning; a list names why it is stale.
			if !strings.HasSuffix(rt.path, ".md5") && !strings.HasPrefix(warning, `110 cratos "Response is Stale: cold-build budget spent, last read `) {
				t.Errorf("rebuild past the budget: Warning %q, want it to name the budget", warning)
			}
			status, _, retry, body := get(rt.cold)
			checkRetryAfter(t, status, retry, body)
		})
	}
}
