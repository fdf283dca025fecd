package server_test

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A TAXII poll that would read MISP draws on the token's cold-build
// budget, as a list does, and counts as one build however many data types
// its collection reads. Past the budget, a collection with a history is
// answered from it, stale, and one without gets 429 with Retry-After.
func TestTAXIIPollDrawsOnColdBuildBudget(t *testing.T) {
	clock := testtool.NewClock(time.Now())
	h := newHarness(t, withExportClock(clock.Now), withConfig(func(c *config.Config) { c.ColdBuildsPerMinute = 1 }),
		withSite(func(s *config.Site) { s.MemcachedAllTimeout = 1 }))
	block := newPoller(h, "block")
	if objs := block.poll(t); len(objs) < 10 {
		t.Fatalf("first poll: %d objects", len(objs))
	}
	searches := h.sim.RestSearchCount()

	resp, body := h.taxiiGet(newPoller(h, "incident").path)
	checkTAXII(t, resp, body)
	checkRetryAfter(t, resp.StatusCode, resp.Header.Get("Retry-After"), body)

	// The feed forgotten, and the collection's snapshots past their
	// lifetime (not past the budget's minute): a poll would read MISP.
	if resp, body := h.do("DELETE", "/v1/clear_cache/feed/block/type/ipv4/age/1y/output/txt", "token", h.token); resp.StatusCode != 200 {
		t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
	}
	clock.Advance(2 * time.Second)
	resp, body = h.taxiiGet(block.path)
	env, objs := checkTAXII(t, resp, body)
	if resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "STALE" || len(objs) < 10 || env.More {
		t.Errorf("poll past the budget: %d X-Cache %q, %d objects, want 200 STALE from the history", resp.StatusCode, resp.Header.Get("X-Cache"), len(objs))
	}
	if w := resp.Header.Get("Warning"); w != `110 cratos "Response is Stale: cold-build budget spent"` {
		t.Errorf("poll past the budget: Warning %q, want it to name the budget", w)
	}
	if n := h.sim.RestSearchCount(); n != searches {
		t.Errorf("polls past the budget searched MISP %d times", n-searches)
	}
}
