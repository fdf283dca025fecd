package export

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// A background rebuild that started before a release (under the list's
// former namespace) and accepts the released list while a request's
// build after the release renders leaves that list in place: the
// request's build compared its list with the former one it took as the
// baseline before rendering, and held the list again right after the
// admin released it, devices getting the former list back.
func TestReleaseRacingAnOldNamespaceRebuildIsKept(t *testing.T) {
	g := newShrinkRig(t, "release racing an old namespace rebuild test")
	var armed atomic.Bool
	waits := make(chan chan struct{})
	rd := &countedRenderer{Renderer: txtRenderer(), at: func(int32) error {
		if armed.Load() {
			gate := make(chan struct{})
			waits <- gate
			<-gate
		}
		return nil
	}}
	addRenderer(t, g.svc, rd)
	g.req.Output = "test-counted"
	rebuilt := make(chan error, 1)
	g.svc.refreshed = func(_ string, err error) { rebuilt <- err }
	_, held := holdAfterGuardChange(g)

	// Past its lifetime the held list is revalidated in the background:
	// that rebuild renders, under the namespace before the release.
	armed.Store(true)
	g.clock.advance(200 * time.Second)
	if res := g.get("request past the lifetime"); res.Status != Revalidating {
		t.Fatalf("request past the lifetime: %s, want %s", res.Status, Revalidating)
	}
	background := awaitGate(t, waits, "background rebuild")
	if _, err := g.svc.Release(t.Context(), g.req.Site.Name, held.Held.ID); err != nil {
		t.Fatal(err)
	}
	requested := make(chan Result, 1)
	go func() {
		res, err := g.svc.Get(context.Background(), g.req)
		if err != nil {
			t.Errorf("build after the release: %v", err)
		}
		requested <- res
	}()
	request := awaitGate(t, waits, "build after the release")
	armed.Store(false)
	close(background)
	if err := <-rebuilt; err != nil {
		t.Fatalf("background rebuild: %v", err)
	}
	close(request)
	res := <-requested

	if res.Held != nil || res.Entries != held.Held.Current {
		t.Fatalf("after the release: held %v, %d entries, want the rebuilt list of %d", res.Held, res.Entries, held.Held.Current)
	}
	if h := g.svc.Holds(""); len(h) != 0 {
		t.Fatalf("after the release: holds %+v", h)
	}
}

// awaitGate returns the gate of the next gated render, failing the test
// when none comes within a minute.
func awaitGate(t *testing.T, waits <-chan chan struct{}, what string) chan struct{} {
	t.Helper()
	select {
	case gate := <-waits:
		return gate
	case <-time.After(time.Minute):
		t.Fatalf("%s: no render", what)
		return nil
	}
}
