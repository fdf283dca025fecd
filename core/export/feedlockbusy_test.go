package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
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
			b := newSlotBusy(t, tc.lastGood)
			// Another data type of the same feed: its own read, which
			// takes the feed's lock and then waits for a slot.
			other := b.r
			other.DataType, _ = indicator.LookupDataType("domain")
			lookup := b.lookup(other)
			testtool.WaitFor(t, "the lookup's read to take the feed's lock", time.Minute, func() bool {
				st, ok := b.s.feeds.m.Get(b.s.feedKey(b.r))
				return ok && st.mu.held()
			})

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var leave func()
			if tc.leave {
				leave = func() {
					k := b.s.listKeys(b.r)
					snapKey := b.s.opts.Namespace.Key(context.Background(), k.group, k.snapshot)
					testtool.WaitFor(t, "the build's read to start", time.Minute, func() bool { return b.s.snaps.Waiting(snapKey) == 1 })
					cancel()
				}
			}
			const what = "the build waiting for the feed"
			res := b.build(t, ctx, what, leave)
			if tc.leave {
				if err := res.Upstream; !errors.Is(err, context.Canceled) || errors.Is(err, ErrBusy) {
					t.Fatalf("the build whose devices left: %v (%T), want their cancellation", err, err)
				}
				b.checkServed(t, res, tc.lastGood, what)
			} else {
				b.checkBusy(t, res, tc.lastGood, what)
			}
			b.finish(t, lookup)
		})
	}
}

// held reports whether l is taken.
func (l *readLock) held() bool {
	l.once.Do(func() { l.ch = make(chan struct{}, 1) })
	return len(l.ch) == 1
}
