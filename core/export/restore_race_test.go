package export

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// A list rebuilt from MISP while a request reads the list on disk after a
// restart stays the list served: the request serves the rebuilt list, and
// so do the requests after it. Before, the request put the older list from
// disk in the cache over the rebuilt one, and devices got it, a HIT, until
// the end of its lifetime.
func TestRestoreKeepsListBuiltMeanwhile(t *testing.T) {
	misp := newGatedMISP(t)
	_, built, dirPath := restartRig(t, misp)
	rig := restarted(t, misp, dirPath, 50*time.Second)

	reached, proceed := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	rig.svc.beforeRestore = func(string) {
		if first.CompareAndSwap(false, true) {
			close(reached)
			<-proceed
		}
	}
	type got struct {
		res Result
		err error
	}
	waiting := make(chan got, 1)
	go func() {
		res, err := rig.svc.Get(context.Background(), rig.req)
		waiting <- got{res, err}
	}()
	select {
	case <-reached:
	case <-time.After(time.Minute):
		t.Fatal("the request did not read the list on disk within a minute")
	}

	// A device asking with a shorter lifetime gets the list on disk
	// REVALIDATING, and its background rebuild reads MISP again.
	short := rig.req
	short.TTL = 10 * time.Second
	if res, err := rig.svc.Get(context.Background(), short); err != nil || res.Status != Revalidating {
		t.Fatalf("short lifetime: status %s, error %v, want %s", res.Status, err, Revalidating)
	}
	if err := rig.waitRefresh(t); err != nil {
		t.Fatalf("background rebuild: %v", err)
	}
	close(proceed)

	var g got
	select {
	case g = <-waiting:
	case <-time.After(time.Minute):
		t.Fatal("the request did not end within a minute")
	}
	if g.err != nil {
		t.Fatal(g.err)
	}
	for i, res := range []Result{g.res, rig.get(t, Hit)} {
		if !res.Fetched.After(built.Fetched) {
			t.Fatalf("request %d: served the list read at %v, want the one rebuilt after it", i, res.Fetched)
		}
	}
	// The rebuilt list, kept for the shorter lifetime, is near its end:
	// the request refreshed it ahead.
	if err := rig.waitRefresh(t); err != nil {
		t.Fatalf("refresh ahead: %v", err)
	}
}
