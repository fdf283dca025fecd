package server_test

import (
	"context"
	"encoding/json"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

func memcachedStatus(t *testing.T, h *harness) string {
	t.Helper()
	_, body := h.get("/v1/status?sites=0")
	var st struct {
		Memcached string `json:"memcachedstatus"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	return st.Memcached
}

// waitMemcachedWrites waits for the memcached writes that finish in the
// background (those that did not fit the request path).
func (h *harness) waitMemcachedWrites() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, mc := range h.mcs {
		if err := mc.WaitWrites(ctx); err != nil {
			h.t.Fatalf("memcached background writes: %v", err)
		}
	}
}

// Two servers sharing memcached share lists: the second answers from
// memcached without asking MISP, with the same bytes and headers.
func TestMemcachedSharedAcrossProcesses(t *testing.T) { testMemcachedShared(t, false) }

// The same on a loaded machine: CPU hogs make the 2.2 MB write miss the
// request path's timeout; it finishes in the background and the second
// process still shares the list.
func TestMemcachedSharedUnderLoad(t *testing.T) { testMemcachedShared(t, true) }

// hogCPUs keeps twice as many goroutines as there are CPUs busy until the
// returned function is called.
func hogCPUs() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 * runtime.NumCPU() {
		wg.Go(func() {
			for x := 0; ; x++ {
				if x%1024 == 0 {
					select {
					case <-done:
						return
					default:
					}
				}
			}
		})
	}
	return func() { close(done); wg.Wait() }
}

// testMemcachedShared builds a large list in one server and reads it from
// memcached in a second; loaded, CPU hogs run while the first builds and
// writes it (a write that times out is what the load is for; a read that
// does is a miss, tested in TestMemcachedKilled).
func testMemcachedShared(t *testing.T, loaded bool) {
	addr, _ := memcachedtest.Start(t)
	opts := []harnessOption{withMemcached(addr), withSite(func(s *config.Site) { s.ExpandLimit = 15 })}
	if loaded {
		// The request path's timeout the large write is to miss.
		opts = append(opts, withMemcachedTimeout(300*time.Millisecond))
	}
	h := newHarness(t, opts...)
	// A /15 expands to 131,072 addresses: a JSON list of 2.2 MB,
	// chunked over memcached's 1 MB item limit.
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "big", Published: true, Tags: []string{"example:incident-classification=block"},
		Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.0/15", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	stopHogs := func() {}
	if loaded {
		stopHogs = sync.OnceFunc(hogCPUs())
		t.Cleanup(stopHogs)
	}
	const big = "/v1/feed/block/type/ipv4ext/age/1y/output/json"
	first, body1 := h.authed(big)
	if first.StatusCode != 200 || first.Header.Get("X-Cache") != "MISS" || len(body1) < 2<<20 {
		t.Fatalf("first: %d %s, %d bytes", first.StatusCode, first.Header.Get("X-Cache"), len(body1))
	}
	h.waitMemcachedWrites()
	stopHogs()
	// A second process with an empty in-process cache. Its reads get the
	// harness's generous timeout: what is tested is that a value written
	// (perhaps in the background) is shared, not how fast a loaded
	// machine reads it; a read that times out is a miss, tested in
	// TestMemcachedKilled.
	h.memcachedTimeout = 0
	h.start()
	second, body2 := h.authed(big)
	if second.Header.Get("X-Cache") != "HIT" || body2 != body1 || second.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Errorf("second process: %s, %d bytes (want HIT and the same %d bytes)", second.Header.Get("X-Cache"), len(body2), len(body1))
	}
	if n := h.sim.RestSearchCount(); n != 1 {
		t.Errorf("%d MISP searches for two processes, want 1", n)
	}
	if got := memcachedStatus(t, h); got != "OK" {
		t.Errorf("memcachedstatus %q, want OK", got)
	}
}

// memcached dying must not fail a request: the in-process level carries
// on, /v1/status reports FAIL, and a restarted memcached is used again.
func TestMemcachedKilled(t *testing.T) {
	addr, stop := memcachedtest.Start(t)
	h := newHarness(t, withMemcached(addr))
	if resp, _ := h.authed(feedPath); resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	stop()
	defer func() {
		// A memcached back on the same port is used again.
		_, port, _ := net.SplitHostPort(addr)
		memcachedtest.StartOn(t, atoi(port))
		deadline := time.Now().Add(time.Minute)
		for memcachedStatus(t, h) != "OK" {
			if time.Now().After(deadline) {
				t.Fatal("memcachedstatus did not recover after a restart")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	for _, p := range []string{feedPath, "/v1/feed/block/type/domain/age/1y/output/txt", "/v1/feed/block/type/url/age/1y/output/csv"} {
		resp, body := h.authed(p)
		if resp.StatusCode != 200 {
			t.Errorf("%s with memcached down: %d %s", p, resp.StatusCode, body)
		}
	}
	if got := memcachedStatus(t, h); got != "FAIL" {
		t.Errorf("memcachedstatus %q with memcached down, want FAIL", got)
	}
}
