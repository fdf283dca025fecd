package export

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
	_ "github.com/cratos-project/cratos/renderers/txt"
)

// gatedMISP is the emulator behind a front that can hold restSearch
// answers until released, or fail them.
type gatedMISP struct {
	url      string
	fail     atomic.Bool
	searches atomic.Int32 // restSearch requests received
	mu       sync.Mutex
	gate     chan struct{}
}

func newGatedMISP(t *testing.T) *gatedMISP {
	t.Helper()
	sim := misptest.New(t, mispsim.Options{Generate: 300, Seed: 7, GenerateTypes: []string{"ip-dst"}})
	g := &gatedMISP{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/attributes/restSearch" {
			g.searches.Add(1)
			if g.fail.Load() {
				http.Error(w, "down", http.StatusBadGateway)
				return
			}
			g.mu.Lock()
			gate := g.gate
			g.mu.Unlock()
			if gate != nil {
				<-gate
			}
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(g.release)
	g.url = srv.URL
	return g
}

// hold makes restSearch answers wait until release.
func (g *gatedMISP) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate = make(chan struct{})
}

func (g *gatedMISP) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gate != nil {
		close(g.gate)
		g.gate = nil
	}
}

// countingObserver counts MISP pulls.
type countingObserver struct{ fetches atomic.Int32 }

func (o *countingObserver) CacheResult(Status)                                    {}
func (o *countingObserver) Fetched(string, time.Duration, int, error)             { o.fetches.Add(1) }
func (o *countingObserver) Built(string, string, string, time.Duration, int, int) {}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type swrRig struct {
	misp   *gatedMISP
	clock  *fakeClock
	obs    *countingObserver
	svc    *Service
	ended  chan error
	req    Request
	logbuf *testtool.LogBuffer
}

func newSWRRig(t *testing.T, misp *gatedMISP, opts Options) *swrRig {
	t.Helper()
	rig := &swrRig{misp: misp, clock: &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}, obs: &countingObserver{},
		ended: make(chan error, 16), logbuf: &testtool.LogBuffer{}}
	opts = inMemory(opts, "swr test")
	opts.Now = rig.clock.Now
	opts.Observer = rig.obs
	opts.Logger = slog.New(slog.NewTextHandler(rig.logbuf, nil))
	rig.svc = New(opts)
	rig.svc.refreshed = func(_ string, err error) { rig.ended <- err }
	rig.req = anyFeedRequest(misp.url, "ipv4", "10y", "txt", 100*time.Second)
	return rig
}

func (rig *swrRig) get(t *testing.T, want Status) Result {
	t.Helper()
	res, err := rig.svc.Get(context.Background(), rig.req)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if res.Status != want {
		t.Fatalf("status %s, want %s", res.Status, want)
	}
	return res
}

// waitRefresh waits for one background rebuild to end.
func (rig *swrRig) waitRefresh(t *testing.T) error {
	t.Helper()
	select {
	case err := <-rig.ended:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("no background rebuild ended within 60 s")
		return nil
	}
}

func (rig *swrRig) noRefresh(t *testing.T) {
	t.Helper()
	select {
	case err := <-rig.ended:
		t.Fatalf("unexpected background rebuild (error %v)", err)
	default:
	}
}

func TestStaleWhileRevalidate(t *testing.T) {
	rig := newSWRRig(t, newGatedMISP(t), Options{})
	first := rig.get(t, Miss)
	if n := rig.obs.fetches.Load(); n != 1 {
		t.Fatalf("%d MISP pulls after the first build, want 1", n)
	}
	// Past the lifetime, with MISP answering only when released: every
	// request gets the old list at once, and one rebuild runs.
	rig.clock.advance(rig.req.TTL + 5*time.Second)
	rig.misp.hold()
	for range 5 {
		res := rig.get(t, Revalidating)
		if res.Artifact != first.Artifact {
			t.Fatalf("revalidating served %q, want the previous list %q", res.ETag, first.ETag)
		}
	}
	rig.misp.release()
	if err := rig.waitRefresh(t); err != nil {
		t.Fatalf("background rebuild: %v", err)
	}
	rig.noRefresh(t)
	if n := rig.obs.fetches.Load(); n != 2 {
		t.Fatalf("%d MISP pulls, want exactly 2 (one background rebuild)", n)
	}
	after := rig.get(t, Hit)
	if !after.Fetched.After(first.Fetched) || !bytes.Equal(after.Body, first.Body) || after.ETag != first.ETag {
		t.Fatalf("rebuilt list fetched %v (first %v), ETag %s (first %s)", after.Fetched, first.Fetched, after.ETag, first.ETag)
	}

	// Past the maximum staleness, a request waits for the rebuild.
	rig.req.Site.MaxStaleSeconds = 60
	rig.clock.advance(rig.req.TTL + 61*time.Second)
	rig.get(t, Miss)
	rig.noRefresh(t)
	if n := rig.obs.fetches.Load(); n != 3 {
		t.Fatalf("%d MISP pulls, want 3", n)
	}

	// Off (-1): as before stale-while-revalidate.
	rig.req.Site.MaxStaleSeconds = -1
	rig.clock.advance(rig.req.TTL + time.Second)
	rig.get(t, Miss)
}

func TestStaleWhileRevalidateFailure(t *testing.T) {
	rig := newSWRRig(t, newGatedMISP(t), Options{})
	first := rig.get(t, Miss)
	rig.clock.advance(rig.req.TTL + time.Second)
	rig.misp.fail.Store(true)
	if res := rig.get(t, Revalidating); res.ETag != first.ETag {
		t.Fatalf("served %s, want %s", res.ETag, first.ETag)
	}
	if err := rig.waitRefresh(t); err == nil {
		t.Fatal("background rebuild succeeded against a failing MISP")
	}
	// After the failure the old list is STALE, with the error; within
	// refreshRetry of it no new rebuild starts.
	if res := rig.get(t, Stale); res.ETag != first.ETag || res.Upstream == nil {
		t.Fatalf("after the failure: %s, upstream %v", res.ETag, res.Upstream)
	}
	rig.noRefresh(t)
	if n := rig.obs.fetches.Load(); n != 2 {
		t.Fatalf("%d MISP pulls, want 2", n)
	}
	// After it, one more attempt; MISP back: fresh again.
	rig.misp.fail.Store(false)
	rig.clock.advance(refreshRetry)
	rig.get(t, Stale)
	if err := rig.waitRefresh(t); err != nil {
		t.Fatalf("rebuild after MISP came back: %v", err)
	}
	rig.get(t, Hit)
	if !strings.Contains(rig.logbuf.String(), "background rebuild failed") {
		t.Fatalf("failure not logged: %s", rig.logbuf.String())
	}
}

func TestRefreshAhead(t *testing.T) {
	rig := newSWRRig(t, newGatedMISP(t), Options{})
	first := rig.get(t, Miss)
	// A pull early in the lifetime starts nothing.
	rig.clock.advance(50 * time.Second)
	rig.get(t, Hit)
	rig.noRefresh(t)
	// A pull in the last tenth of the lifetime, by a client that pulled
	// during it, starts the rebuild and is served the current list.
	rig.clock.advance(45 * time.Second)
	if res := rig.get(t, Hit); res.Artifact != first.Artifact {
		t.Fatal("refresh-ahead did not serve the current list")
	}
	if err := rig.waitRefresh(t); err != nil {
		t.Fatalf("refresh-ahead rebuild: %v", err)
	}
	if n := rig.obs.fetches.Load(); n != 2 {
		t.Fatalf("%d MISP pulls, want 2", n)
	}
	// Past the first list's lifetime the device gets a fresh list: no
	// wait, no stale list.
	rig.clock.advance(10 * time.Second)
	res := rig.get(t, Hit)
	if !res.Fetched.After(first.Fetched) {
		t.Fatalf("fetched %v, want after %v", res.Fetched, first.Fetched)
	}
	rig.noRefresh(t)
}

// A background rebuild takes nothing from the consumer's cold-build
// budget: a consumer who spent it still gets its lists refreshed.
func TestBackgroundRebuildOutsideColdBudget(t *testing.T) {
	rig := newSWRRig(t, newGatedMISP(t), Options{Limits: Limits{ColdBuildsPerMinute: 1}})
	rig.req.Consumer = "c1"
	rig.req.TTL = 10 * time.Second // expires well before the budget refills
	rig.get(t, Miss)
	other := rig.req
	other.Age = "9y"
	if _, err := rig.svc.Get(context.Background(), other); !errors.Is(err, ErrBuildBudget) {
		t.Fatalf("second cold build in the minute: %v, want ErrBuildBudget", err)
	}
	rig.clock.advance(rig.req.TTL + 2*time.Second)
	rig.get(t, Revalidating)
	if err := rig.waitRefresh(t); err != nil {
		t.Fatalf("background rebuild: %v", err)
	}
	rig.get(t, Hit)
}
