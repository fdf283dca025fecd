package export

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// renderBudgetRig is a Service whose clock stands still, over a MISP that
// answers every feed with the same lists, and the outputs that carry ipv4.
type renderBudgetRig struct {
	svc     *Service
	url     string
	outputs []string
}

func newRenderBudgetRig(t *testing.T, l Limits, hotBytes int64) *renderBudgetRig {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(20))) }))
	t.Cleanup(srv.Close)
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	rig := &renderBudgetRig{url: srv.URL,
		svc: New(inMemory(Options{Limits: l, HotBytes: hotBytes, Now: func() time.Time { return at }}, "render budget"))}
	for _, rd := range rig.svc.opts.Renderers.All() {
		r := rig.req("any", rd.Info().Name)
		if _, err := rig.svc.Renderer(r); err == nil && r.Output != "txt" {
			rig.outputs = append(rig.outputs, r.Output)
		}
	}
	if len(rig.outputs) < 3 {
		t.Fatalf("%d outputs carry ipv4: %v", len(rig.outputs), rig.outputs)
	}
	return rig
}

func (rig *renderBudgetRig) req(consumer, output string) Request {
	r := limitsRequest(rig.url, "k", "1d")
	r.Consumer, r.Output = consumer, output
	return r
}

func (rig *renderBudgetRig) get(consumer, output string) (Result, error) {
	return rig.svc.Get(context.Background(), rig.req(consumer, output))
}

// A token asking every output of a list whose indicators are cached gets
// its render budget's worth, then 429-worthy refusals; another token's
// lists stay cached and its renders are its own.
func TestRenderBudget(t *testing.T) {
	rig := newRenderBudgetRig(t, Limits{RendersPerMinute: 2}, 0)
	if res, err := rig.get("device", "txt"); err != nil || res.Status != Miss {
		t.Fatalf("device's list: %v %v, want a MISS", res.Status, err)
	}
	for i, output := range rig.outputs {
		_, err := rig.get("noisy", output)
		var be *BudgetError
		switch {
		case i < 2 && err != nil:
			t.Fatalf("render %d (%s): %v", i, output, err)
		case i >= 2 && (!errors.Is(err, ErrRenderBudget) || errors.Is(err, ErrBuildBudget) || !errors.As(err, &be)):
			t.Fatalf("render %d (%s): %v, want ErrRenderBudget", i, output, err)
		case i >= 2 && be.RetryAfter != 30*time.Second:
			t.Fatalf("render %d: retry after %v, want 30s (2 a minute)", i, be.RetryAfter)
		}
	}
	// Cached lists stay free, and the device's renders are its own.
	if res, err := rig.get("noisy", rig.outputs[0]); err != nil || res.Status != Hit {
		t.Errorf("noisy token's cached list: %v %v, want a HIT", res.Status, err)
	}
	if res, err := rig.get("device", rig.outputs[2]); err != nil || res.Status != Miss {
		t.Errorf("device's second list: %v %v, want a MISS", res.Status, err)
	}
}

// With the render budget, a token asking every output of a cached feed
// does not push a device's list out of a cache with room for a few: the
// device's next pull is still a HIT.
func TestRenderBudgetKeepsDevicesListsCached(t *testing.T) {
	// Room for exactly the device's list and the noisy token's first two.
	probe := newRenderBudgetRig(t, Limits{}, 0)
	room := int64(0)
	for _, output := range []string{"txt", probe.outputs[0], probe.outputs[1]} {
		res, err := probe.get("probe", output)
		if err != nil {
			t.Fatal(err)
		}
		room += artifactSize("", res.Artifact)
	}
	rig := newRenderBudgetRig(t, Limits{RendersPerMinute: 2}, room)
	if _, err := rig.get("device", "txt"); err != nil {
		t.Fatal(err)
	}
	for _, output := range rig.outputs {
		_, _ = rig.get("noisy", output)
	}
	if res, err := rig.get("device", "txt"); err != nil || res.Status != Hit {
		t.Errorf("device's list after the noisy token's: %v %v, want a HIT", res.Status, err)
	}
}

// A list refused for the render budget is served from its last good copy
// (STALE) and is not put back in the cache as the list's entry.
func TestRenderBudgetServesLastGood(t *testing.T) {
	rig := newRenderBudgetRig(t, Limits{RendersPerMinute: 1}, 0)
	if _, err := rig.get("noisy", "csv"); err != nil {
		t.Fatal(err)
	}
	if err := rig.svc.Clear(context.Background(), rig.req("noisy", "csv")); err != nil {
		t.Fatal(err)
	}
	res, err := rig.get("noisy", "csv")
	if err != nil || res.Status != Stale || !errors.Is(res.Upstream, ErrRenderBudget) {
		t.Fatalf("past the budget: %v %v %v, want STALE for the render budget", res.Status, res.Upstream, err)
	}
	l, err := rig.svc.lookUp(context.Background(), rig.req("noisy", "csv"))
	if err != nil || l.a != nil {
		t.Errorf("the last good list was put back in the cache (%v)", err)
	}
}
