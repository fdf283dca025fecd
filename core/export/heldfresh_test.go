package export

import (
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// buildCounter counts MISP reads and lists rendered.
type buildCounter struct{ reads, builds atomic.Int32 }

func (o *buildCounter) CacheResult(Status)                                    {}
func (o *buildCounter) Fetched(string, time.Duration, int, error)             { o.reads.Add(1) }
func (o *buildCounter) Built(string, string, string, time.Duration, int, int) { o.builds.Add(1) }

// A held list is served from the cache for its lifetime, as any list:
// every request for it rendered the whole list again (and read MISP
// again once the feed's snapshot was due), since the list served kept
// the last good list's read time and was never fresh. A release is
// still served at once.
func TestHeldListServedFromCacheWithinItsLifetime(t *testing.T) {
	g := newShrinkRig(t, "held fresh test")
	obs := &buildCounter{}
	g.svc = New(inMemory(Options{Now: g.clock.Now, Logger: slog.New(slog.DiscardHandler), Observer: obs}, "held fresh test"))
	good := g.get("first build")

	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)
	held := g.get("shrunk build")
	if held.Held == nil || held.ETag != good.ETag {
		t.Fatalf("shrunk build: held %v, ETag %s (want %s)", held.Held, held.ETag, good.ETag)
	}
	reads, builds := obs.reads.Load(), obs.builds.Load()
	for i := range 5 {
		g.clock.advance(15 * time.Second)
		res := g.get("request while held")
		if res.Held == nil || res.Held.ID != held.Held.ID || res.ETag != good.ETag || string(res.Body) != string(good.Body) {
			t.Fatalf("request %d while held: held %v, ETag %s (want %s)", i, res.Held, res.ETag, good.ETag)
		}
		if res.Status != Hit {
			t.Errorf("request %d while held: %s, want %s", i, res.Status, Hit)
		}
	}
	if r, b := obs.reads.Load()-reads, obs.builds.Load()-builds; r != 0 || b != 0 {
		t.Errorf("5 requests within the held list's lifetime: %d MISP reads, %d lists built, want none", r, b)
	}

	if _, err := g.svc.Release(t.Context(), g.req.Site.Name, held.Held.ID); err != nil {
		t.Fatal(err)
	}
	res := g.get("request after the release")
	if res.Held != nil || res.Entries != held.Held.Current {
		t.Fatalf("after the release: held %v, %d entries, want the rebuilt list of %d", res.Held, res.Entries, held.Held.Current)
	}
}

// A held list whose rebuild failed, MISP down, is served STALE at once
// while background rebuilds retry MISP, at most one every refreshRetry,
// as any list: every request for it read MISP again, and waited for it.
func TestHeldListServedStaleWhileMISPIsDown(t *testing.T) {
	g := newShrinkRig(t, "held down test")
	obs := &buildCounter{}
	g.svc = New(inMemory(Options{Now: g.clock.Now, Logger: slog.New(slog.DiscardHandler), Observer: obs}, "held down test"))
	ended := make(chan error, 1)
	g.svc.refreshed = func(_ string, err error) { ended <- err }
	good := g.get("first build")
	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)
	held := g.get("shrunk build")
	if held.Held == nil {
		t.Fatalf("shrunk build not held")
	}

	g.m.down.Store(true)
	g.clock.advance(200 * time.Second)
	if res := g.get("rebuild with MISP down"); res.Status != Revalidating || res.ETag != good.ETag {
		t.Fatalf("rebuild with MISP down: %s, ETag %s (want %s, %s)", res.Status, res.ETag, Revalidating, good.ETag)
	}
	wantRebuilt(t, ended, "MISP down", true)
	wantHeldStaleWithoutReads(t, g, obs, good)

	g.m.down.Store(false)
	g.clock.advance(refreshRetry)
	if res := g.get("request past the retry delay"); res.Status != Stale || res.ETag != good.ETag {
		t.Fatalf("request past the retry delay: %s, ETag %s (want %s, %s)", res.Status, res.ETag, Stale, good.ETag)
	}
	wantRebuilt(t, ended, "MISP back", false)
	if res := g.get("request after MISP answered"); res.Status != Hit || res.Held == nil || res.ETag != good.ETag {
		t.Fatalf("after MISP answered: %s, held %v, ETag %s (want a held %s, %s)", res.Status, res.Held, res.ETag, Hit, good.ETag)
	}
}

// wantHeldStaleWithoutReads asks for g's held list five times, a second
// apart, after its rebuild failed with MISP down: each answer must be
// good's bytes, STALE with MISP's error and the hold, and none may read
// MISP.
func wantHeldStaleWithoutReads(t *testing.T, g *shrinkRig, obs *buildCounter, good Result) {
	t.Helper()
	reads := obs.reads.Load()
	for i := range 5 {
		g.clock.advance(time.Second)
		res := g.get("request while MISP is down")
		if res.Status != Stale || res.Upstream == nil || res.ETag != good.ETag || res.Held == nil {
			t.Errorf("request %d: %s, upstream %v, held %v, ETag %s (want %s)", i, res.Status, res.Upstream, res.Held, res.ETag, good.ETag)
		}
	}
	if r := obs.reads.Load() - reads; r != 0 {
		t.Errorf("5 requests within %s of the failed rebuild: %d MISP reads, want none", refreshRetry, r)
	}
}
