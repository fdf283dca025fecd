package export

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// downMISP is the emulator until it goes down; from then on a restSearch
// is announced on arrived and answered 502 once fail is closed.
type downMISP struct {
	url     string
	down    atomic.Bool
	arrived chan struct{}
	fail    chan struct{}
	once    sync.Once
}

func newDownMISP(t *testing.T) *downMISP {
	t.Helper()
	sim := misptest.New(t, mispsim.Options{Generate: 50, Seed: 7, GenerateTypes: []string{"ip-dst"}})
	m := &downMISP{arrived: make(chan struct{}), fail: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/attributes/restSearch" && m.down.Load() {
			m.once.Do(func() { close(m.arrived) })
			<-m.fail
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(m.release)
	m.url = srv.URL
	return m
}

func (m *downMISP) release() {
	select {
	case <-m.fail:
	default:
		close(m.fail)
	}
}

// TestListAskedForWhilePrunedKeepsItsFallback: after a restart with MISP
// down, a list last in use more than the maximum age ago is asked for
// while a prune pass has taken it up. The pass leaves it, and the failed
// build serves it from disk. The pass removed it between the request and
// the build's failure, and the device got an error instead of its list.
func TestListAskedForWhilePrunedKeepsItsFallback(t *testing.T) {
	const day = 24 * time.Hour
	misp := newDownMISP(t)
	dirPath := t.TempDir()
	first := newSWRRig(t, &gatedMISP{url: misp.url}, Options{State: openStateAt(t, dirPath), StateMaxAge: 30 * day})
	built := first.get(t, Miss)
	first.svc.WaitDurable()
	name := durableName(first.svc.keyMemo.keysFor(first.req, first.svc.listKeys).artifact)
	for _, f := range []string{name, bodyName(name, built.ETag)} {
		at := first.clock.Now()
		if err := os.Chtimes(filepath.Join(dirPath, f), at, at); err != nil {
			t.Fatal(err)
		}
	}

	misp.down.Store(true)
	second := newSWRRig(t, &gatedMISP{url: misp.url}, Options{State: openStateAt(t, dirPath), StateMaxAge: 30 * day})
	second.clock.advance(40 * day) // last in use weeks ago
	type answer struct {
		res Result
		err error
	}
	answered := make(chan answer, 1)
	second.svc.durable.beforePrune = func(string) {
		go func() {
			res, err := second.svc.Get(context.Background(), second.req)
			answered <- answer{res, err}
		}()
		select {
		case <-misp.arrived: // the request is noted, its build under way
		case <-time.After(time.Minute):
			t.Error("the build never reached MISP")
		}
	}
	if removed, _ := second.svc.PruneDurable(); removed != 0 {
		t.Errorf("pruned %d files of a list asked for during the pass", removed)
	}
	misp.release()
	var got answer
	select {
	case got = <-answered:
	case <-time.After(time.Minute):
		t.Fatal("no answer within a minute")
	}
	if got.err != nil {
		t.Fatalf("the device got %v, want the last good list", got.err)
	}
	if got.res.Status != Stale || got.res.ETag != built.ETag || string(got.res.Body) != string(built.Body) {
		t.Fatalf("got %s %v (ETag %s), want the last good list %s STALE", got.res.Status, got.err, got.res.ETag, built.ETag)
	}
	second.svc.WaitDurable()
	if _, ok := second.svc.readDurable(second.svc.keyMemo.keysFor(second.req, second.svc.listKeys).artifact); !ok {
		t.Fatal("the list served is gone from the state directory")
	}
}
