package export

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// panicOnceObserver panics when told of its first MISP read, as a bug in
// a read of a feed would.
type panicOnceObserver struct {
	countingObserver
	panicked atomic.Bool
}

func (o *panicOnceObserver) Fetched(site string, d time.Duration, n int, err error) {
	if o.panicked.CompareAndSwap(false, true) {
		panic("a bug in the feed's read")
	}
	o.countingObserver.Fetched(site, d, n, err)
}

// A read of a feed that panics releases the feed's lock and the token's
// share of the build slots: the next list of the feed is built. It kept
// both, so every later list of the feed waited for the lock until its
// build timeout and failed as a MISP timeout (a console lookup waited for
// ever), until a restart.
func TestFeedReadThatPanicsReleasesTheFeed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(3))) }))
	t.Cleanup(srv.Close)
	s := New(inMemory(Options{BuildTimeout: 3 * time.Second, Observer: &panicOnceObserver{}}, "feed read panic"))
	r := limitsRequest(srv.URL, "k", "1d")
	if _, err := s.Get(context.Background(), r); !errors.Is(err, ErrBuildPanicked) {
		t.Fatalf("the build whose read panicked: %v, want ErrBuildPanicked", err)
	}
	r.Output = "json" // another list of the feed, not the failed one's cache entry
	res, err := s.Get(context.Background(), r)
	if err != nil || res.Status != Miss || res.Entries != 3 {
		t.Fatalf("the next list of the feed: %v, want a MISS of 3 entries", err)
	}
	s.limits.shares.mu.Lock()
	defer s.limits.shares.mu.Unlock()
	if sh := s.limits.shares.m[r.Consumer]; sh != nil {
		t.Fatalf("the token still holds %d of its build slots, want none", len(sh.slots))
	}
}
