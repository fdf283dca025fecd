package export

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// A list built from the last feed snapshot while MISP was down (after a
// guard change) never replaces one built from MISP after it: when MISP
// answers while the stale build renders, the list MISP's answer made is
// kept, served as a HIT and kept as the last good list, and the requests
// that waited for the stale build get it too (STALE: their own read of
// MISP failed). A request whose own read of MISP fails joins the stale
// build, whose render the test holds: each wait ends within a minute,
// the render let go, with what the request got.
func TestStaleBuildDoesNotReplaceLaterBuild(t *testing.T) {
	srv, down, attrs := switchableMISP(t, 3)
	clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	s := New(inMemory(Options{Now: clock.Now}, "stale race test"))
	rd := newLateStop()
	addRenderer(t, s, rd)
	letGo := sync.OnceFunc(func() { close(rd.release) })
	t.Cleanup(letGo)
	r := limitsRequest(srv.URL, "k", "1d")
	r.Output = "test-late-stop"
	ctx := context.Background()
	if _, err := s.Get(ctx, r); err != nil {
		t.Fatal(err)
	}
	site := *r.Site
	site.Guard.NeverBlock = config.NeverBlock{CIDRs: []string{"100.128.0.1"}}
	r.Site = &site

	down.Store(true)
	clock.advance(time.Hour)
	rd.hold()
	stale := getAsync(s, ctx, r)
	await(t, rd.arrived, "render of the list built from the last feed snapshot")

	attrs.Store(6)
	down.Store(false)
	clock.advance(time.Minute)
	got := awaitOutcome(t, getAsync(s, ctx, r), "build once MISP answers", letGo)
	if got.err != nil {
		t.Fatalf("build once MISP answers: %v", got.err)
	}
	built := got.res
	if built.Status != Miss || built.Entries != 5 {
		t.Fatalf("build once MISP answers: %s, %d entries; want a MISS of 5", built.Status, built.Entries)
	}
	letGo()
	waited := awaitOutcome(t, stale, "request that waited for the stale build", letGo)
	if waited.err != nil {
		t.Fatalf("request that waited for the stale build: %v", waited.err)
	}

	wantHitOf(t, s, r, built, "the stale build")
	if good, _ := s.lastGood(s.listKeys(r).artifact); good == nil || good.ETag != built.ETag {
		t.Fatalf("last good list %+v, want the one built from MISP (ETag %s)", good, built.ETag)
	}
	if waited.res.Status != Stale || waited.res.ETag != built.ETag {
		t.Fatalf("request that waited for the stale build: %s, ETag %s, %d entries; want STALE with the later list, ETag %s",
			waited.res.Status, waited.res.ETag, waited.res.Entries, built.ETag)
	}
}

// switchableMISP is a MISP answering n attributes (attrs), or HTTP 502
// while down is set.
func switchableMISP(t *testing.T, n int32) (srv *httptest.Server, down *atomic.Bool, attrs *atomic.Int32) {
	down, attrs = new(atomic.Bool), new(atomic.Int32)
	attrs.Store(n)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(attrsJSON(int(attrs.Load()))))
	}))
	t.Cleanup(srv.Close)
	return srv, down, attrs
}

// wantHitOf checks that the next request for r, after what, is a HIT
// serving built, the list built from MISP, with no error from MISP.
func wantHitOf(t *testing.T, s *Service, r Request, built Result, what string) {
	t.Helper()
	after, err := s.Get(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != Hit || after.Upstream != nil || after.ETag != built.ETag || !bytes.Equal(after.Body, built.Body) {
		t.Fatalf("after %s: %s (upstream %v), ETag %s, %d entries; want a HIT of ETag %s, %d entries",
			what, after.Status, after.Upstream, after.ETag, after.Entries, built.ETag, built.Entries)
	}
}
