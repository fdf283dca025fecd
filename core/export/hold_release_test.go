package export

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// shrinkingMISP is the emulator behind a cut: while keep is 0 or more,
// every restSearch answers only its first keep attributes; while down,
// every restSearch fails.
type shrinkingMISP struct {
	url  string
	keep atomic.Int64
	down atomic.Bool
}

func newShrinkingMISP(t *testing.T) *shrinkingMISP {
	t.Helper()
	sim := misptest.New(t, mispsim.Options{Generate: 300, Seed: 7, GenerateTypes: []string{"ip-dst"}})
	m := &shrinkingMISP{}
	m.keep.Store(-1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keep := m.keep.Load()
		if r.URL.Path == "/attributes/restSearch" && m.down.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		if r.URL.Path != "/attributes/restSearch" || keep < 0 {
			sim.ServeHTTP(w, r)
			return
		}
		misptest.ServeFiltered(w, r, sim, func(attrs []json.RawMessage) []json.RawMessage {
			return attrs[:min(int(keep), len(attrs))]
		})
	}))
	t.Cleanup(srv.Close)
	m.url = srv.URL
	return m
}

// shrinkRig is a Service over a shrinkingMISP on a fake clock, and the
// request for its ipv4 list as txt.
type shrinkRig struct {
	t     *testing.T
	m     *shrinkingMISP
	clock *fakeClock
	svc   *Service
	req   Request
	log   *testtool.LogBuffer // the service's JSON log
}

func newShrinkRig(t *testing.T, name string) *shrinkRig {
	t.Helper()
	g := &shrinkRig{t: t, m: newShrinkingMISP(t), clock: &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}}
	var logger *slog.Logger
	logger, g.log = testtool.JSONLogger()
	g.svc = New(inMemory(Options{Now: g.clock.Now, Logger: logger}, name))
	g.req = anyFeedRequest(g.m.url, "ipv4", "10y", "txt", 100*time.Second)
	return g
}

// get asks for the list of g.req, failing the test at step on an error.
func (g *shrinkRig) get(step string) Result {
	g.t.Helper()
	res, err := g.svc.Get(g.t.Context(), g.req)
	if err != nil {
		g.t.Fatalf("%s: %v", step, err)
	}
	return res
}

// A release lets through the rebuilt list the hold showed, not whatever
// the next build brings: a list that lost more again since (MISP now
// answering nothing) is held anew, against the size released.
func TestReleaseAcceptsTheListReviewed(t *testing.T) {
	g := newShrinkRig(t, "release test")
	m, clock, svc, req, get := g.m, g.clock, g.svc, g.req, g.get
	good := get("first build")
	if good.Entries < 200 {
		t.Fatalf("first build: %d entries", good.Entries)
	}

	m.keep.Store(61) // a broken tag: most events gone
	clock.advance(48 * time.Hour)
	held := get("shrunk build")
	if held.Held == nil || held.ETag != good.ETag {
		t.Fatalf("shrunk build: held %v, ETag %s (want %s)", held.Held, held.ETag, good.ETag)
	}
	reviewed := held.Held.Current
	if reviewed == 0 || reviewed*2 >= good.Entries {
		t.Fatalf("hold shows %d rebuilt entries of %d", reviewed, good.Entries)
	}
	if _, err := svc.Release(t.Context(), req.Site.Name, held.Held.ID); err != nil {
		t.Fatal(err)
	}

	m.keep.Store(0) // worse since the review
	clock.advance(48 * time.Hour)
	res := get("build after the release")
	if res.Held == nil || res.Entries == 0 || res.ETag != good.ETag {
		t.Fatalf("empty build after releasing a list of %d: held %v, %d entries, ETag %s (want %s)",
			reviewed, res.Held, res.Entries, res.ETag, good.ETag)
	}

	m.keep.Store(61)
	clock.advance(48 * time.Hour)
	res = get("build of the list reviewed")
	if res.Held != nil || res.Entries != reviewed {
		t.Fatalf("build of the list released: held %v, %d entries, want %d served", res.Held, res.Entries, reviewed)
	}
	if h := svc.Holds(""); len(h) != 0 {
		t.Fatalf("holds left: %+v", h)
	}
}
