package export

import (
	"slices"
	"testing"
	"time"
)

// A reload that changes a setting in a list's cache key (a guard rule, a
// renderer option) gives the list a new key, but devices still hold the
// list last served at its URL: the circuit breaker compares the rebuilt
// list with that one. An empty answer from MISP right after such a reload
// is held, at every rebuild until one passes, and the list served holds
// the entries the devices hold, rendered under the new settings.
func TestBreakerBaselineAfterSettingsChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(r *Request)
	}{
		{"guard never_block added", func(r *Request) { *r = withNeverBlock(*r) }},
		{"renderer option changed", func(r *Request) {
			site := *r.Site
			site.Renderers = map[string]map[string]string{"txt": {"line_ending": "lf"}}
			r.Site = &site
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newShrinkRig(t, "settings baseline test")
			m, clock, svc, get := g.m, g.clock, g.svc, g.get
			good := get("first build")
			if good.Entries < 100 {
				t.Fatalf("first build: %d entries", good.Entries)
			}
			before := svc.listKeys(g.req).artifact
			tc.change(&g.req)
			if svc.listKeys(g.req).artifact == before {
				t.Fatal("the change left the artifact key as it was")
			}

			m.keep.Store(0) // every answer empty (a tag broken in the same edit)
			var heldETag string
			for _, step := range []string{"first empty rebuild", "second empty rebuild"} {
				clock.advance(48 * time.Hour)
				res := get(step)
				if heldETag == "" {
					heldETag = res.ETag
				}
				if res.Held == nil || res.Entries != good.Entries || res.ETag != heldETag ||
					!slices.Equal(listValues(res.Body), listValues(good.Body)) {
					t.Fatalf("%s: held %v, %d entries (want %d), ETag %s (want %s)",
						step, res.Held, res.Entries, good.Entries, res.ETag, heldETag)
				}
			}

			m.keep.Store(-1) // MISP answers again
			clock.advance(48 * time.Hour)
			if res := get("full rebuild"); res.Held != nil || res.Entries != good.Entries {
				t.Fatalf("full rebuild: held %v, %d entries, want %d", res.Held, res.Entries, good.Entries)
			}
			if h := svc.Holds(""); len(h) != 0 {
				t.Fatalf("holds left: %+v", h)
			}
		})
	}
}

// A hold ends when its list's URL is rebuilt under new settings: a reload
// that changes a setting in the list's key (here, one that turns the
// breaker's share rule up) and a rebuild that passes end the hold of the
// former key, which no build would end, so /v1/holds and the held gauge
// no longer show a list the devices do not get.
func TestHoldEndsWhenSettingsChange(t *testing.T) {
	g := newShrinkRig(t, "settings hold test")
	m, clock, svc, req := g.m, g.clock, g.svc, g.req
	good, err := svc.Get(t.Context(), req)
	if err != nil || good.Entries < 200 {
		t.Fatalf("first build: %v, %d entries", err, good.Entries)
	}
	m.keep.Store(61)
	clock.advance(48 * time.Hour)
	held, err := svc.Get(t.Context(), req)
	if err != nil || held.Held == nil {
		t.Fatalf("shrunk build: %v, held %v", err, held.Held)
	}

	site := *req.Site
	site.Guard.HoldDropPercent = 100 // the operator accepts the loss
	req.Site = &site
	clock.advance(48 * time.Hour)
	res, err := svc.Get(t.Context(), req)
	if err != nil || res.Held != nil || res.Entries != held.Held.Current {
		t.Fatalf("build under the new settings: %v, held %v, %d entries (want %d)", err, res.Held, res.Entries, held.Held.Current)
	}
	if h := svc.Holds(""); len(h) != 0 {
		t.Fatalf("holds left after the list was rebuilt under new settings: %+v", h)
	}
}
