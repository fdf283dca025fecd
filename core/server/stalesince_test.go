package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
)

// X-Cratos-Stale-Since, and the Warning of a stale list, give when MISP
// was last read for the list, not its Last-Modified (when its content last
// changed): a list rebuilt unchanged an hour ago is an hour stale, however
// old its content.
func TestStaleSinceIsTheLastRead(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, withSite(func(s *config.Site) { s.MaxStaleSeconds = -1 }))
	const p = feedPath + "?cache=1"
	first, good := h.authed(p)
	if first.StatusCode != 200 {
		t.Fatal(first.Status)
	}
	time.Sleep(2100 * time.Millisecond)
	again, body := h.authed(p) // rebuilt from a new read, unchanged
	if again.StatusCode != 200 || body != good || again.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("rebuild: %d %s, same body %v", again.StatusCode, again.Header.Get("X-Cache"), body == good)
	}
	lastModified, err := http.ParseTime(again.Header.Get("Last-Modified"))
	if err != nil {
		t.Fatal(err)
	}
	read := time.Now() // the rebuild's read came before
	time.Sleep(1100 * time.Millisecond)
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500})
	stale, body := h.authed(p)
	if stale.StatusCode != 200 || stale.Header.Get("X-Cache") != "STALE" || body != good {
		t.Fatalf("stale: %d %s", stale.StatusCode, stale.Header.Get("X-Cache"))
	}
	since, err := http.ParseTime(stale.Header.Get("X-Cratos-Stale-Since"))
	if err != nil {
		t.Fatalf("X-Cratos-Stale-Since %q: %v", stale.Header.Get("X-Cratos-Stale-Since"), err)
	}
	if !since.After(lastModified) || since.After(read) {
		t.Errorf("X-Cratos-Stale-Since %v, want the rebuild's read (after Last-Modified %v, by %v)", since, lastModified, read)
	}
	if w := stale.Header.Get("Warning"); !strings.Contains(w, stale.Header.Get("X-Cratos-Stale-Since")) {
		t.Errorf("Warning %q does not give the last read %q", w, stale.Header.Get("X-Cratos-Stale-Since"))
	}
}
