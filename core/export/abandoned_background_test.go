package export

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A background rebuild that joins a build every request waiting for has
// left builds again: it took the build's cancellation for a failure of
// the list, and the next requests were served the old list STALE, with
// a Warning naming a failure that never happened, until the retry.
func TestBackgroundRebuildAfterABuildWasGivenUpBuildsAgain(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(3))) }))
	t.Cleanup(srv.Close)
	clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	s := New(inMemory(Options{Now: clock.Now}, "given up background test"))
	ended := make(chan error, 4)
	s.refreshed = func(_ string, err error) { ended <- err }
	rd := newLateStop()
	addRenderer(t, s, rd)
	r := limitsRequest(srv.URL, "k", "1d")
	r.Output = "test-late-stop"
	get := func(want Status) Result {
		t.Helper()
		res, err := s.Get(context.Background(), r)
		if err != nil || res.Status != want {
			t.Fatalf("get: %v, %v; want %v", res.Status, err, want)
		}
		return res
	}
	get(Miss)
	clock.advance(r.TTL + time.Second)

	// A device that waits for a fresh list starts the rebuild, then leaves.
	waiting := r
	waiting.WaitFresh = true
	leaveInRender(t, s, waiting, rd)
	// Another device gets the old list, its rebuild joining the one stopping.
	get(Revalidating)
	close(rd.release)
	select {
	case err := <-ended:
		if err != nil {
			t.Fatalf("background rebuild: %v, want the list built", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("no background rebuild ended within a minute")
	}
	if res := get(Hit); res.Upstream != nil || res.Entries != 3 {
		t.Fatalf("after the rebuild: %d entries, upstream error %v; want 3, none", res.Entries, res.Upstream)
	}
}
