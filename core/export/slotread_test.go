package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool"
)

// slotBusy is a Service with one build slot, taken, over a MISP that holds
// its searches, and its list r, which waits for its build past its
// lifetime; with lastGood, r's list was built once first (good).
type slotBusy struct {
	m       *heldMISP
	s       *Service
	r       Request
	good    Result
	release func() // frees the build slot
}

func newSlotBusy(t *testing.T, lastGood bool) *slotBusy {
	t.Helper()
	b := &slotBusy{m: newHeldMISP(t)}
	clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	b.s = New(inMemory(Options{BuildTimeout: 3 * time.Second, Limits: Limits{MaxBuilds: 1}, Now: clock.Now}, "slot busy"))
	addRenderer(t, b.s, allFields{txtRenderer()})
	b.r = limitsRequest(b.m.URL, "k", "10y")
	b.r.Output = "test-all-fields"
	b.r.Site.MaxStaleSeconds = -1 // a list past its lifetime waits for its build
	if lastGood {
		b.m.open()
		var err error
		if b.good, err = b.s.Get(context.Background(), b.r); err != nil {
			t.Fatalf("the first build: %v", err)
		}
		clock.advance(2 * b.r.TTL)
	}
	var err error
	if b.release, err = b.s.limits.acquire(context.Background(), b.r.Site.Name); err != nil {
		t.Fatal(err)
	}
	return b
}

// lookup starts a snapshot read of r with no deadline, as the console's
// lookup does; its error comes on the channel.
func (b *slotBusy) lookup(r Request) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := b.s.Snapshot(context.Background(), r)
		done <- err
	}()
	return done
}

// build asks for r's list in ctx and returns its result within a minute,
// its error as Upstream.
func (b *slotBusy) build(t *testing.T, ctx context.Context, what string, wait func()) Result {
	t.Helper()
	built := make(chan Result, 1)
	go func() {
		res, err := b.s.Get(ctx, b.r)
		if err != nil {
			res.Upstream = err
		}
		built <- res
	}()
	if wait != nil {
		wait()
	}
	select {
	case res := <-built:
		return res
	case <-time.After(time.Minute):
		t.Fatalf("%s still waited after a minute, past its 3s build timeout", what)
		return Result{}
	}
}

// checkBusy checks that res, of a build that waited for a read that
// waited for the slot, is busy: the last good list STALE when there is
// one, else no list.
func (b *slotBusy) checkBusy(t *testing.T, res Result, lastGood bool, what string) {
	t.Helper()
	const want = "busy: no build slot free (max_concurrent_builds 1)"
	if err := res.Upstream; !errors.Is(err, ErrBusy) || err.Error() != want || errors.As(err, new(*misp.Error)) {
		t.Fatalf("%s: %v (%T), want %q", what, err, err, want)
	}
	b.checkServed(t, res, lastGood, what)
}

// checkServed checks that res is the last good list STALE when there is
// one, else no list.
func (b *slotBusy) checkServed(t *testing.T, res Result, lastGood bool, what string) {
	t.Helper()
	if lastGood && (res.Status != Stale || res.Artifact == nil || res.ETag != b.good.ETag) {
		t.Fatalf("%s: %s, want the last good list STALE", what, res.Status)
	}
	if !lastGood && res.Artifact != nil {
		t.Fatalf("%s: %s list, want none", what, res.Status)
	}
}

// finish frees the slot and MISP, and checks that the lookup got its
// snapshot.
func (b *slotBusy) finish(t *testing.T, lookup <-chan error) {
	t.Helper()
	b.release()
	b.m.open()
	if err := <-lookup; err != nil {
		t.Fatalf("the lookup with no deadline: %v, want its snapshot", err)
	}
}

// A list build that joins a MISP read still waiting for a build slot (a
// console lookup's, with no deadline) and reaches its build timeout first
// is busy, as its own read would have been: a 503 with Retry-After, or
// the last good list with a Warning naming the slots. It was a MISP
// timeout, a 504 or a stale list blaming a MISP never asked.
func TestBuildJoiningAReadWaitingForASlotIsBusy(t *testing.T) {
	for _, lastGood := range []bool{false, true} {
		name := map[bool]string{false: "no last good list", true: "a last good list"}[lastGood]
		t.Run(name, func(t *testing.T) {
			b := newSlotBusy(t, lastGood)
			lookup := b.lookup(b.r)
			k := b.s.listKeys(b.r)
			snapKey := b.s.opts.Namespace.Key(context.Background(), k.group, k.snapshot)
			testtool.WaitFor(t, "the lookup's read to start", time.Minute, func() bool { return b.s.snaps.Waiting(snapKey) == 1 })
			res := b.build(t, context.Background(), "the build that joined the read", nil)
			b.checkBusy(t, res, lastGood, "the build that joined the read")
			b.finish(t, lookup)
		})
	}
}
