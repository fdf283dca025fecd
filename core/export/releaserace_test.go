package export

import (
	"context"
	"errors"
	"io"
	"iter"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// countedRenderer is the txt renderer that runs at(n) before its nth
// render: an error fails that render, a wait holds it.
type countedRenderer struct {
	renderers.Renderer
	calls atomic.Int32
	at    func(n int32) error
}

func (r *countedRenderer) Info() renderers.Info {
	info := r.Renderer.Info()
	info.Name = "test-counted"
	return info
}

func (r *countedRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	n := r.calls.Add(1)
	if err := r.at(n); err != nil {
		return err
	}
	return r.Renderer.Render(ctx, w, req, in)
}

// A release that lands while a rebuild holds the list again (here while
// it renders the former list's content under the new guard, as a
// background rebuild of a held list does every lifetime) lets the
// rebuilt list through: the rebuild replaced the hold released with a
// new one, so the release was reported done and the list was held again
// at the next build, until an admin released it once more.
func TestReleaseDuringAHeldRebuildIsKept(t *testing.T) {
	g := newShrinkRig(t, "release during a held rebuild test")
	entered, gate := make(chan struct{}), make(chan struct{})
	rd := &countedRenderer{Renderer: txtRenderer(), at: func(n int32) error {
		switch n {
		case 3: // the former list under the new guard, in the first hold
			return errors.New("render failed")
		case 5: // the same, in the rebuild that holds it again
			close(entered)
			<-gate
		}
		return nil
	}}
	addRenderer(t, g.svc, rd)
	g.req.Output = "test-counted"
	good := g.get("first build")
	site := *g.req.Site
	site.Guard.NeverBlock.CIDRs = listValues(good.Body)[:20]
	g.req.Site = &site
	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)
	if _, err := g.svc.Get(t.Context(), g.req); err == nil {
		t.Fatal("build after the reload: served, though what its hold serves failed to render")
	}
	holds := g.svc.Holds("")
	if len(holds) != 1 {
		t.Fatalf("build after the reload: holds %+v, want one", holds)
	}
	held := holds[0]

	// Nothing served, a request 30 seconds later rebuilds the list from
	// the feed's snapshot, still fresh, and holds it again.
	g.clock.advance(heldRetry)
	rebuilt := make(chan Result, 1)
	go func() {
		res, err := g.svc.Get(context.Background(), g.req)
		if err != nil {
			t.Errorf("rebuild while held: %v", err)
		}
		rebuilt <- res
	}()
	select {
	case <-entered:
	case <-time.After(time.Minute):
		t.Fatal("no rebuild rendering the held list")
	}
	released, err := g.svc.Release(t.Context(), g.req.Site.Name, held.ID)
	if err != nil || len(released) != 1 {
		t.Fatalf("release: %v, %v", released, err)
	}
	close(gate)
	<-rebuilt

	if h := g.svc.Holds(""); len(h) != 0 {
		t.Fatalf("after the release: holds %+v", h)
	}
	res := g.get("build after the release")
	if res.Held != nil || res.Entries != held.Current {
		t.Fatalf("after the release: held %v, %d entries, want the rebuilt list of %d", res.Held, res.Entries, held.Current)
	}
	if got := listValues(res.Body); slices.ContainsFunc(got, func(v string) bool { return slices.Contains(g.req.Site.Guard.NeverBlock.CIDRs, v) }) {
		t.Fatalf("after the release: never_block values served in %v", got)
	}
}

// A released hold no longer labels the list: while MISP is down, the last
// good list is served STALE as the hold served it, but without its
// X-Cratos-Held, which named a hold /v1/holds no longer lists and dated
// the list's Age by the rebuilt list an admin let through.
func TestReleasedHoldNoLongerLabelsTheList(t *testing.T) {
	g, _, good, held, _ := newHeldRig(t, "released hold label test")
	if _, err := g.svc.Release(t.Context(), g.req.Site.Name, held.Held.ID); err != nil {
		t.Fatal(err)
	}
	g.m.down.Store(true)
	g.clock.advance(200 * time.Second)
	for _, step := range []string{"rebuild with MISP down", "request after the failed rebuild"} {
		res := g.get(step)
		if res.Status != Stale || res.ETag != good.ETag || res.Held != nil {
			t.Fatalf("%s: %s, ETag %s, held %+v (want %s, %s, no hold)", step, res.Status, res.ETag, res.Held, Stale, good.ETag)
		}
		g.clock.advance(time.Second)
	}
}

// holdAfterGuardChange builds g's list, then has a reload add its first
// 20 values to never_block while MISP answers 30 attributes, and returns
// the first build and the build after the reload, which must be held.
func holdAfterGuardChange(g *shrinkRig) (good, held Result) {
	g.t.Helper()
	good = g.get("first build")
	site := *g.req.Site
	site.Guard.NeverBlock.CIDRs = listValues(good.Body)[:20]
	g.req.Site = &site
	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)
	held = g.get("build after the reload")
	if held.Held == nil {
		g.t.Fatalf("build after the reload: not held; MISP answered 30 attributes of %d", good.Entries)
	}
	return good, held
}
