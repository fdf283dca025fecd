package server_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A TAXII poll that reads MISP ends within the build timeout, as a list's
// build does: behind a MISP search that answers only after 90 seconds
// (within the site's MISP timeout), a collection with a history is
// answered from it, stale, and one without gets a TAXII 504 with
// Retry-After, long before the search would answer.
func TestTAXIIPollEndsWithinTheBuildTimeout(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	clock := testtool.NewClock(time.Now())
	h := newHarness(t, withExportClock(clock.Now), func(h *harness) { h.buildTimeout = 2 * time.Second },
		withSite(func(s *config.Site) { s.MemcachedAllTimeout, s.MISPTimeoutSeconds = 1, 600 }))
	block := newPoller(h, "block")
	if objs := block.poll(t); len(objs) < 10 {
		t.Fatalf("first poll: %d objects", len(objs))
	}
	// The feed forgotten and the collection's snapshots past their
	// lifetime: the next poll reads MISP.
	if resp, body := h.do("DELETE", "/v1/clear_cache/feed/block/type/ipv4/age/1y/output/txt", "token", h.token); resp.StatusCode != 200 {
		t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
	}
	clock.Advance(2 * time.Second)
	slow := mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 90 * time.Second, RestSearchOnly: true, Times: 1}

	h.sim.SetFault(slow)
	start := time.Now()
	resp, body := h.taxiiGet(block.path)
	env, objs := checkTAXII(t, resp, body)
	if took := time.Since(start); resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "STALE" || len(objs) < 10 || env.More || took > time.Minute {
		t.Errorf("poll behind a slow MISP: %d X-Cache %q, %d objects after %v, want 200 STALE from the history within a minute",
			resp.StatusCode, resp.Header.Get("X-Cache"), len(objs), took.Round(time.Second))
	}
	if w := resp.Header.Get("Warning"); w != `110 cratos "Response is Stale: MISP unavailable"` {
		t.Errorf("poll behind a slow MISP: Warning %q", w)
	}

	h.sim.SetFault(slow)
	start = time.Now()
	resp, body = h.taxiiGet(newPoller(h, "incident").path)
	checkTAXII(t, resp, body)
	if took := time.Since(start); resp.StatusCode != 504 || took > time.Minute {
		t.Errorf("first poll of a collection behind a slow MISP: %d after %v, want 504 within a minute: %s", resp.StatusCode, took.Round(time.Second), body)
	}
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("504 with Retry-After %q, want whole seconds", resp.Header.Get("Retry-After"))
	}
}

// A list read that the build timeout cuts off, behind a MISP that would
// answer within the site's mispTimeoutSeconds, gets a 504 naming the build
// timeout and its value, not the site's timeout, which is not what ended it.
func TestBuildTimeoutNamedIn504(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, func(h *harness) { h.buildTimeout = 2 * time.Second },
		withSite(func(s *config.Site) { s.MISPTimeoutSeconds = 600 }))
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 90 * time.Second, RestSearchOnly: true})
	resp, body := h.authed(feedPath)
	if d, want := detailOf(t, body), "MISP "+h.site.Name+": no answer within the build timeout (2s)"; resp.StatusCode != 504 || d != want {
		t.Errorf("got %d %q, want 504 %q", resp.StatusCode, d, want)
	}
}
