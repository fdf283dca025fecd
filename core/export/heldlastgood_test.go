package export

import (
	"bytes"
	"testing"
	"time"
)

// A request whose own rebuild of a held list fails (MISP down) is served
// STALE what the hold serves, with the hold, as the answers after it:
// the first such answer, and every one once the hold was older than
// max_stale_seconds, had no X-Cratos-Held, and after a change of
// renderer options it was the list under the former options rather than
// its content under the current ones the hold serves.
func TestHeldListFailedRebuildServesTheHold(t *testing.T) {
	lineEnding := func(r *Request) {
		site := *r.Site
		site.Renderers = map[string]map[string]string{"txt": {"line_ending": "lf"}}
		r.Site = &site
	}
	clear := func(g *shrinkRig) { g.svc.arts.Clear() }
	for _, tc := range []struct {
		name string
		// change is a reload before the rebuild held; nil: none.
		change func(r *Request)
		// rebuild makes the next request rebuild the list itself.
		rebuild func(g *shrinkRig)
	}{
		{"pushed out of the hot cache", nil, clear},
		{"MISP down past max_stale_seconds", nil, func(g *shrinkRig) { g.clock.advance(25 * time.Hour) }},
		{"renderer option changed", lineEnding, clear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newShrinkRig(t, "held last good test "+tc.name)
			good := g.get("first build")
			if tc.change != nil {
				tc.change(&g.req)
			}
			g.m.keep.Store(30)
			g.clock.advance(48 * time.Hour)
			held := g.get("shrunk build")
			if held.Held == nil {
				t.Fatal("shrunk build not held")
			}
			if tc.change != nil && held.ETag == good.ETag {
				t.Fatalf("held after the change: the former list %s served, not its content under the new settings", good.ETag)
			}

			g.m.down.Store(true)
			g.clock.advance(200 * time.Second)
			tc.rebuild(g)
			for _, step := range []string{"rebuild with MISP down", "next request"} {
				res := g.get(step)
				if res.Status != Stale || res.Upstream == nil || res.Held == nil || res.Held.ID != held.Held.ID ||
					res.ETag != held.ETag || !bytes.Equal(res.Body, held.Body) {
					t.Fatalf("%s: %s, upstream %v, held %v, ETag %s (want a held %s, %s)",
						step, res.Status, res.Upstream, res.Held, res.ETag, Stale, held.ETag)
				}
			}
		})
	}
}
