package export

import (
	"testing"
	"time"
)

// wantRebuilt waits for the end of a background rebuild, failing the
// test at step unless it ended as wantErr says.
func wantRebuilt(t *testing.T, ended <-chan error, step string, wantErr bool) {
	t.Helper()
	select {
	case err := <-ended:
		if (err != nil) != wantErr {
			t.Fatalf("%s: background rebuild ended with %v, want an error: %t", step, err, wantErr)
		}
	case <-time.After(time.Minute):
		t.Fatalf("%s: no background rebuild", step)
	}
}

// A held list is revalidated as any list: past its lifetime it is served
// at once, REVALIDATING, while one background rebuild applies the rule
// again, and a device pulling it on a schedule gets it rebuilt ahead of
// its expiry. The first request after each lifetime waited for a whole
// build, and no refresh ran ahead: the list was dated by the last good
// list's read, not by the hold's.
func TestHeldListRevalidatedInTheBackground(t *testing.T) {
	g, obs, good, _, ended := newHeldRig(t, "held revalidate test")
	wantHeld := func(step string, status Status) {
		t.Helper()
		res := g.get(step)
		if res.Status != status || res.Held == nil || res.ETag != good.ETag {
			t.Fatalf("%s: %s, held %v, ETag %s (want a held %s, %s)", step, res.Status, res.Held, res.ETag, status, good.ETag)
		}
	}

	g.clock.advance(150 * time.Second)
	reads := obs.reads.Load()
	wantHeld("request past the lifetime", Revalidating)
	wantRebuilt(t, ended, "past the lifetime", false)
	if obs.reads.Load() == reads {
		t.Fatal("past the lifetime: MISP not read again")
	}
	wantHeld("request after the background rebuild", Hit)

	g.clock.advance(50 * time.Second)
	wantHeld("pull during the lifetime", Hit)
	g.clock.advance(45 * time.Second)
	wantHeld("pull in the last tenth of the lifetime", Hit)
	wantRebuilt(t, ended, "refresh ahead", false)
	g.clock.advance(10 * time.Second)
	wantHeld("pull after the refresh ahead", Hit)
}

// A background rebuild that failed before the hold's last rebuild read
// MISP does not label the held list STALE with its error once that
// rebuild's lifetime is over: the list is REVALIDATING, as any list
// whose last rebuild succeeded.
func TestHeldListRevalidatedAfterAnOldFailure(t *testing.T) {
	g, _, good, _, ended := newHeldRig(t, "held old failure test")
	want := func(step string, status Status) {
		t.Helper()
		res := g.get(step)
		if res.Status != status || res.Held == nil || res.ETag != good.ETag || (res.Upstream != nil) != (status == Stale) {
			t.Fatalf("%s: %s, upstream %v, held %v, ETag %s (want a held %s, %s)", step, res.Status, res.Upstream, res.Held, res.ETag, status, good.ETag)
		}
	}

	g.m.down.Store(true)
	g.clock.advance(150 * time.Second)
	want("past the lifetime with MISP down", Revalidating)
	wantRebuilt(t, ended, "MISP down", true)
	g.clock.advance(time.Second)
	want("after the failed rebuild", Stale)

	g.m.down.Store(false)
	g.clock.advance(refreshRetry)
	want("past the retry delay", Stale)
	wantRebuilt(t, ended, "MISP back", false)
	want("after MISP answered", Hit)

	g.clock.advance(150 * time.Second)
	want("past the lifetime of the last rebuild held", Revalidating)
	wantRebuilt(t, ended, "past the lifetime", false)
}
