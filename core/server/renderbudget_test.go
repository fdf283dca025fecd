package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// With its render budget spent, a token asking another output of a list
// whose indicators are cached gets 429 saying when to try again, and a
// list it asks to render again gets its last good copy, naming the budget.
func TestRenderBudgetAnswers(t *testing.T) {
	clock := testtool.NewClock(time.Now())
	h := newHarness(t, withExportClock(clock.Now),
		withConfig(func(c *config.Config) { c.RendersPerMinute = 1 }),
		withSite(func(s *config.Site) { s.MaxStaleSeconds = -1 }))
	const path = "/v1/feed/block/type/ipv4/age/1y/output/"
	get := func(output string) (int, string, string, string, string) {
		resp, body := h.get(path+output+"?cache=1", "token", h.token)
		return resp.StatusCode, resp.Header.Get("X-Cache"), resp.Header.Get("Warning"), resp.Header.Get("Retry-After"), body
	}
	status, _, _, _, good := get("txt")
	if status != 200 {
		t.Fatalf("first list: %d %s", status, good)
	}
	status, _, _, retry, body := get("csv")
	checkRetryAfter(t, status, retry, body)
	if !strings.Contains(body, "too many lists rendered for this token") {
		t.Errorf("refusal %s, want it to name the render budget", body)
	}
	clock.Advance(2 * time.Second) // past its lifetime, not past the budget's minute
	status, xc, warning, _, body := get("txt")
	if status != 200 || xc != "STALE" || body != good {
		t.Errorf("render past the budget: %d %s %q, want 200 STALE %q", status, xc, body, good)
	}
	if !strings.HasPrefix(warning, `110 cratos "Response is Stale: render budget spent, last read `) {
		t.Errorf("render past the budget: Warning %q, want it to name the budget", warning)
	}
}
