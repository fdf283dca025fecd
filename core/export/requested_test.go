package export

import (
	"context"
	"sync"
	"testing"
	"time"
)

// requestObserver records the lists built and asked for.
type requestObserver struct {
	countingObserver
	mu               sync.Mutex
	built, requested []ListLabels
}

func (o *requestObserver) BuiltList(l ListLabels, _ time.Duration, _, _ int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.built = append(o.built, l)
}

func (o *requestObserver) RequestedList(l ListLabels) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requested = append(o.requested, l)
}

// TestRequestsObserved: the requests for a list, built (MISS), from the
// cache (HIT, through Get or Fresh) or the last good list while MISP
// fails (STALE), are told to a RequestObserver under the labels its builds
// are, once per observeInterval at most, so the metrics keep the series of
// a list still asked for.
func TestRequestsObserved(t *testing.T) {
	misp := newGatedMISP(t)
	clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	obs := &requestObserver{}
	opts := inMemory(Options{}, "requests observed")
	opts.Now, opts.Observer = clock.Now, obs
	svc := New(opts)
	req := anyFeedRequest(misp.url, "ipv4", "10y", "txt", 10*time.Minute)
	ctx := context.Background()

	var statuses []Status
	get := func() {
		res, err := svc.Get(ctx, req)
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		statuses = append(statuses, res.Status)
	}
	get()
	get() // within observeInterval of the first: not told
	clock.advance(observeInterval)
	if _, ok := svc.Fresh(ctx, req); !ok {
		t.Fatal("Fresh: no fresh list")
	}
	misp.fail.Store(true)
	clock.advance(time.Hour)
	req.WaitFresh = true // no stale-while-revalidate: a failed build, then the last good list
	get()

	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.built) != 1 {
		t.Fatalf("built %v, want one build", obs.built)
	}
	if want := []Status{Miss, Hit, Stale}; len(statuses) != len(want) || statuses[0] != want[0] || statuses[1] != want[1] || statuses[2] != want[2] {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	if len(obs.requested) != 3 {
		t.Fatalf("requested %v, want 3 requests told", obs.requested)
	}
	for _, l := range obs.requested {
		if l != obs.built[0] {
			t.Errorf("requested %+v, want the built list's labels %+v", l, obs.built[0])
		}
	}
}
