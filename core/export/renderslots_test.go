package export

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// gatedRender counts the renders of its gated renderers running at once
// and holds each until open.
type gatedRender struct {
	cur, peak atomic.Int64
	arrived   chan string // a render's output, as it starts
	release   chan struct{}
	once      sync.Once
}

func (g *gatedRender) open() { g.once.Do(func() { close(g.release) }) }

// gated renders as txt under another name, held by its gatedRender.
type gated struct {
	renderers.Renderer
	name string
	g    *gatedRender
}

func (r gated) Info() renderers.Info {
	info := r.Renderer.Info()
	info.Name = r.name
	return info
}

func (r gated) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	n := r.g.cur.Add(1)
	defer r.g.cur.Add(-1)
	for p := r.g.peak.Load(); n > p && !r.g.peak.CompareAndSwap(p, n); p = r.g.peak.Load() {
	}
	r.g.arrived <- r.name
	<-r.g.release
	return r.Renderer.Render(ctx, w, req, in)
}

// renderSlotsRig is a Service with slots render slots (every list taking
// one when large) and gated outputs test-gated-0 and on, over a MISP
// answering every read with the same list.
type renderSlotsRig struct {
	svc  *Service
	url  string
	g    *gatedRender
	full chan string
	wg   sync.WaitGroup
	errs chan error
}

func newRenderSlotsRig(t *testing.T, slots, outputs, from int) *renderSlotsRig {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(20))) }))
	t.Cleanup(srv.Close)
	rig := &renderSlotsRig{url: srv.URL, svc: New(inMemory(Options{Limits: Limits{MaxBuilds: 4}}, "render slots")),
		g:    &gatedRender{arrived: make(chan string, outputs), release: make(chan struct{})},
		full: make(chan string, outputs), errs: make(chan error, outputs)}
	t.Cleanup(rig.g.open)
	rs := &rig.svc.limits.renders
	rs.slots, rs.from = make(chan struct{}, slots), from
	rs.full = func(consumer string) { rig.full <- consumer }
	txt, _ := renderers.Lookup("txt")
	reg := rig.svc.opts.Renderers.Clone()
	for i := range outputs {
		if err := reg.Add(gated{txt, fmt.Sprintf("test-gated-%d", i), rig.g}); err != nil {
			t.Fatal(err)
		}
	}
	rig.svc.opts.Renderers = reg
	return rig
}

func (rig *renderSlotsRig) req(consumer, output string) Request {
	r := limitsRequest(rig.url, "k", "1d")
	r.Consumer, r.Output = consumer, output
	return r
}

// start starts consumer's Get of output.
func (rig *renderSlotsRig) start(consumer, output string) {
	rig.wg.Go(func() {
		if res, err := rig.svc.Get(context.Background(), rig.req(consumer, output)); err != nil || res.Status != Miss {
			rig.errs <- fmt.Errorf("%s's %s: %v %v, want a MISS", consumer, output, res.Status, err)
		}
	})
}

// await waits until renders renders have started and waits renders wait
// for a slot, failing t as soon as more start.
func (rig *renderSlotsRig) await(t *testing.T, renders, waits int) {
	t.Helper()
	started, waiting := 0, 0
	for started < renders || waiting < waits {
		select {
		case output := <-rig.g.arrived:
			if started++; started > renders {
				t.Fatalf("render of %s started while %d ran, want at most %d at once", output, started-1, renders)
			}
		case <-rig.full:
			waiting++
		case <-time.After(time.Minute):
			t.Fatalf("within a minute %d renders started (want %d) and %d waited (want %d)", started, renders, waiting, waits)
		}
	}
}

// finish lets every render end and fails t with the Gets' errors.
func (rig *renderSlotsRig) finish(t *testing.T) {
	t.Helper()
	rig.g.open()
	rig.wg.Wait()
	close(rig.errs)
	for err := range rig.errs {
		t.Error(err)
	}
}

// Renders of different outputs of a cached list, by as many tokens, run
// no more than the render slots at once; a cache hit is served meanwhile.
func TestRendersAtOnceAreBounded(t *testing.T) {
	const slots, outputs = 2, 6
	rig := newRenderSlotsRig(t, slots, outputs, 0)
	if res, err := rig.svc.Get(context.Background(), rig.req("device", "txt")); err != nil || res.Status != Miss {
		t.Fatalf("device's list: %v %v, want a MISS", res.Status, err)
	}
	for i := range outputs {
		rig.start(fmt.Sprintf("token-%d", i), fmt.Sprintf("test-gated-%d", i))
	}
	rig.await(t, slots, outputs-slots)
	if res, err := rig.svc.Get(context.Background(), rig.req("device", "txt")); err != nil || res.Status != Hit {
		t.Errorf("device's list while the renders wait: %v %v, want a HIT", res.Status, err)
	}
	rig.finish(t)
	if peak := rig.g.peak.Load(); peak != slots {
		t.Errorf("%d renders ran at once, want %d", peak, slots)
	}
}

// One token's renders hold at most all render slots but one: another
// token's render starts while it has more waiting.
func TestOneTokenLeavesARenderSlot(t *testing.T) {
	rig := newRenderSlotsRig(t, 2, 4, 0)
	for i := range 3 {
		rig.start("noisy", fmt.Sprintf("test-gated-%d", i))
	}
	rig.await(t, 1, 2)
	rig.start("device", "test-gated-3")
	select {
	case output := <-rig.g.arrived:
		if output != "test-gated-3" {
			t.Fatalf("render of %s started, want the device's", output)
		}
	case <-time.After(time.Minute):
		t.Fatal("the device's render did not start within a minute")
	}
	rig.finish(t)
}

// A short list's render takes no slot: it costs milliseconds.
func TestShortListsTakeNoRenderSlot(t *testing.T) {
	rig := newRenderSlotsRig(t, 1, 3, renderSlotFrom)
	for i := range 3 {
		rig.start(fmt.Sprintf("token-%d", i), fmt.Sprintf("test-gated-%d", i))
	}
	rig.await(t, 3, 0)
	rig.finish(t)
}

func TestRenderSlotsFollowBuildsAndCores(t *testing.T) {
	for _, builds := range []int{1, 4, 64} {
		rs := newRenderSlots(builds)
		if want := max(1, min(builds, runtime.GOMAXPROCS(0))); cap(rs.slots) != want {
			t.Errorf("max_concurrent_builds %d: %d render slots, want %d", builds, cap(rs.slots), want)
		}
	}
}
