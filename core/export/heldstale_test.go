package export

import (
	"log/slog"
	"testing"
	"time"
)

// newHeldRig is a shrinkRig counting MISP reads whose list is held: its
// first build read all of MISP (good), its rebuild two days later, past
// the default max_stale_seconds, a tenth of it (held). Background
// rebuilds report their end on ended.
func newHeldRig(t *testing.T, name string) (g *shrinkRig, obs *buildCounter, good, held Result, ended chan error) {
	t.Helper()
	g = newShrinkRig(t, name)
	obs = &buildCounter{}
	g.svc = New(inMemory(Options{Now: g.clock.Now, Logger: slog.New(slog.DiscardHandler), Observer: obs}, name))
	ended = make(chan error, 4)
	g.svc.refreshed = func(_ string, err error) { ended <- err }
	good = g.get("first build")
	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)
	held = g.get("shrunk build")
	if held.Held == nil || held.ETag != good.ETag {
		t.Fatalf("shrunk build: held %v, ETag %s (want %s)", held.Held, held.ETag, good.ETag)
	}
	return g, obs, good, held, ended
}

// A list held for longer than max_stale_seconds (an admin has not
// released it yet) keeps the back-off of a failed rebuild: MISP read it
// at the hold's last rebuild, so it is kept and served STALE at once
// while MISP is down. Its last good list, older than that, was never
// kept, and every request read MISP again and waited for its failure.
func TestHeldListOlderThanMaxStaleServedStaleWhileMISPIsDown(t *testing.T) {
	g, obs, good, _, _ := newHeldRig(t, "held max stale test")
	g.m.down.Store(true)
	g.clock.advance(200 * time.Second)
	g.svc.arts.Clear() // pushed out of the hot cache: the request rebuilds
	if res := g.get("rebuild with MISP down"); res.Status != Stale || res.ETag != good.ETag {
		t.Fatalf("rebuild with MISP down: %s, ETag %s (want %s, %s)", res.Status, res.ETag, Stale, good.ETag)
	}
	wantHeldStaleWithoutReads(t, g, obs, good)
}
