package export_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// failingFullReads serves e's emulator through a MISP that, while failing
// is set, answers the feed's full search (no timestamp, no uuid) with a
// gateway timeout after giveUp seconds on e's clock, as one whose proxy
// gives up on large searches does (with giveUp negative, it answers
// nothing until the client gives up), and answers every other request. It
// counts the full searches asked.
func failingFullReads(t *testing.T, e *emulated, giveUp int64) (failing *atomic.Bool, fullAsked *atomic.Int32) {
	failing, fullAsked = new(atomic.Bool), new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/attributes/restSearch" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if bytes.Contains(body, []byte(`"timestamp":0,`)) && !bytes.Contains(body, []byte(`"uuid":`)) {
				fullAsked.Add(1)
				if failing.Load() && giveUp < 0 {
					<-r.Context().Done()
					return
				}
				if failing.Load() {
					e.clock.Add(giveUp)
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(http.StatusGatewayTimeout)
					_, _ = io.WriteString(w, "<html><body><h1>504 Gateway Time-out</h1></body></html>\n")
					return
				}
			}
		}
		e.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return failing, fullAsked
}

// failingEmulated is an emulator behind failingFullReads, its full
// searches failing after 240 seconds while failing is set.
func failingEmulated(t *testing.T) (e *emulated, failing *atomic.Bool, fullAsked *atomic.Int32) {
	return failingEmulatedAfter(t, 240)
}

// failingEmulatedAfter is failingEmulated, its full searches failing as
// failingFullReads makes them with giveUp.
func failingEmulatedAfter(t *testing.T, giveUp int64) (e *emulated, failing *atomic.Bool, fullAsked *atomic.Int32) {
	e = &emulated{}
	e.clock.Store(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC).Unix())
	e.sim = misptest.New(t, mispsim.Options{Seed: 1, Now: e.now})
	failing, fullAsked = failingFullReads(t, e, giveUp)
	e.site = emulatorSite(e.url, 600, 1000)
	e.site.Guard.Warninglists = new(bool)
	return e, failing, fullAsked
}

// The periodic full read failing, after 4 minutes, while the refresh's
// requests succeed: the read falls back to the refresh it replaced, so
// MISP's changes reach the list, and the full read is tried again only
// after its back-off from the failure (5 minutes, then 10, then 20), and
// read whole again once MISP answers it.
func TestFailedFullReadRefreshesInstead(t *testing.T) {
	e, failing, fullAsked := failingEmulated(t)
	add := func(value string) {
		t.Helper()
		if _, err := e.sim.AddEvent(mispsim.Event{Info: value, Published: true, Tags: []string{"cratos:incident-classification=block"},
			Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: value, ToIDS: true}}}); err != nil {
			t.Fatal(err)
		}
	}
	add("100.128.0.1")
	svc := e.service(export.Options{ReconcileEvery: time.Hour})
	if got := ipv4List(t, svc, e, e.site, "block"); got != "100.128.0.1" || fullAsked.Load() != 1 {
		t.Fatalf("first list %q after %d full searches", got, fullAsked.Load())
	}
	failing.Store(true)
	steps := []struct {
		name      string
		advance   int64 // seconds on the clock before the step
		value     string
		fullAsked int32
	}{
		{"full read due and failing", 3600, "100.128.0.2", 2},   // fails at 3840: retry at 4140
		{"within the back-off", 120, "100.128.0.3", 2},          // 3960
		{"back-off over, failing again", 200, "100.128.0.4", 3}, // 4160, fails at 4400: retry at 5000
		{"within the doubled back-off", 400, "100.128.0.5", 3},  // 4800
		{"doubled back-off over", 220, "100.128.0.6", 4},        // 5020, fails at 5260: retry at 6460
	}
	want := "100.128.0.1"
	for _, s := range steps {
		e.clock.Add(s.advance)
		add(s.value)
		want += "\n" + s.value
		if got := ipv4List(t, svc, e, e.site, "block"); got != want || fullAsked.Load() != s.fullAsked {
			t.Fatalf("%s: list %q after %d full searches, want %q after %d", s.name, got, fullAsked.Load(), want, s.fullAsked)
		}
	}
	failing.Store(false)
	e.clock.Add(1210) // the back-off doubled again: 20 minutes
	add("100.128.0.7")
	want += "\n100.128.0.7"
	if got := ipv4List(t, svc, e, e.site, "block"); got != want || fullAsked.Load() != 5 {
		t.Fatalf("MISP answering: list %q after %d full searches, want %q after 5", got, fullAsked.Load(), want)
	}
	e.clock.Add(120)
	if got := ipv4List(t, svc, e, e.site, "block"); got != want || fullAsked.Load() != 5 {
		t.Errorf("after the full read: list %q after %d full searches, want a refresh", got, fullAsked.Load())
	}
}
