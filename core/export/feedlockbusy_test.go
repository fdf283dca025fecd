package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// A list build that waits for its feed's lock (one read of a feed at a
// time) while the read holding it (a console lookup's, with no deadline)
// waits for a build slot, and reaches its build timeout first, is busy,
// as its own read would have been: a 503 with Retry-After, or the last
// good list with a Warning naming the slots. It was a MISP timeout, a 504
// or a stale list blaming a MISP never asked. A build whose devices have
// left still ends with their cancellation.
func TestBuildWaitingForAFeedReadThatWaitsForASlotIsBusy(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lastGood bool
		leave    bool // the build's devices leave while it waits
	}{
		{name: "no last good list"},
		{name: "a last good list", lastGood: true},
		{name: "devices left", leave: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newHeldMISP(t)
			clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
			s := New(inMemory(Options{BuildTimeout: 3 * time.Second, Limits: Limits{MaxBuilds: 1}, Now: clock.Now}, "feed lock busy"))
			addRenderer(t, s, allFields{txtRenderer()})
			r := limitsRequest(m.URL, "k", "10y")
			r.Output = "test-all-fields"
			r.Site.MaxStaleSeconds = -1 // a list past its lifetime waits for its build
			var good Result
			if tc.lastGood {
				m.open()
				var err error
				if good, err = s.Get(context.Background(), r); err != nil {
					t.Fatalf("the first build: %v", err)
				}
				clock.advance(2 * r.TTL)
			}
			release, err := s.limits.acquire(context.Background(), r.Site.Name) // every build slot
			if err != nil {
				t.Fatal(err)
			}
			// Another data type of the same feed: its own read, which
			// takes the feed's lock and then waits for a slot.
			other := r
			other.DataType, _ = indicator.LookupDataType("domain")
			lookup := make(chan error, 1)
			go func() {
				_, err := s.Snapshot(context.Background(), other)
				lookup <- err
			}()
			waitFor(t, "the lookup's read to take the feed's lock", func() bool {
				st, ok := s.feeds.m.Get(s.feedKey(r))
				return ok && st.mu.held()
			})

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			built := make(chan Result, 1)
			go func() {
				res, err := s.Get(ctx, r)
				if err != nil {
					res.Upstream = err
				}
				built <- res
			}()
			if tc.leave {
				k := s.listKeys(r)
				snapKey := s.opts.Namespace.Key(context.Background(), k.group, k.snapshot)
				waitFor(t, "the build's read to start", func() bool { return s.snaps.Waiting(snapKey) == 1 })
				cancel()
			}
			var res Result
			select {
			case res = <-built:
			case <-time.After(time.Minute):
				t.Fatal("the build still waited for the feed after a minute, past its 3s build timeout")
			}
			switch err := res.Upstream; {
			case tc.leave:
				if !errors.Is(err, context.Canceled) || errors.Is(err, ErrBusy) {
					t.Fatalf("the build whose devices left: %v (%T), want their cancellation", err, err)
				}
			default:
				const want = "busy: no build slot free (max_concurrent_builds 1)"
				if !errors.Is(err, ErrBusy) || err.Error() != want || errors.As(err, new(*misp.Error)) {
					t.Fatalf("the build waiting for the feed: %v (%T), want %q", err, err, want)
				}
			}
			if tc.lastGood && (res.Status != Stale || res.Artifact == nil || res.ETag != good.ETag) {
				t.Fatalf("the build waiting for the feed: %s, want the last good list STALE", res.Status)
			}
			if !tc.lastGood && res.Artifact != nil {
				t.Fatalf("the build waiting for the feed: %s list, want none", res.Status)
			}
			release()
			m.open()
			if err := <-lookup; err != nil {
				t.Fatalf("the lookup with no deadline: %v, want its snapshot", err)
			}
		})
	}
}

// held reports whether l is taken.
func (l *readLock) held() bool {
	l.once.Do(func() { l.ch = make(chan struct{}, 1) })
	return len(l.ch) == 1
}
