package main

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// After kill -9 and a restart with MISP stopped, the last good list is
// served from state_dir with the same bytes and ETag, STALE.
func TestDurableListAfterKill(t *testing.T) {
	t.Parallel()
	m := startMISP(t, feedEvent("block", "block fixture", blockFixture...))
	p := startCratos(t, procOptions{MISP: m.URL()})
	const path = "/v1/feed/block/type/ipv4/age/1y/output/txt"
	resp, good := p.authed(t, path)
	if resp.StatusCode != http.StatusOK || string(good) != blockIPv4Txt || resp.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("healthy MISP: %d X-Cache %q %q", resp.StatusCode, resp.Header.Get("X-Cache"), good)
	}
	etag := resp.Header.Get("ETag")
	// state_dir defaults to state/ beside config/.
	lists := filepath.Join(p.dir, "state", "lists", "list-*")
	waitFor(t, "the last good list in state_dir", 30*time.Second, func() bool {
		files, _ := filepath.Glob(lists)
		return len(files) == 1
	})

	p.kill() // SIGKILL: no shutdown code runs
	m.down()
	if err := p.start(t, cratosBinary(t), filepath.Join(p.dir, "config", "config.yaml")); err != nil {
		t.Fatalf("restart: %v\n%s", err, p.out.String())
	}
	resp, body := p.authed(t, path)
	switch {
	case resp.StatusCode != http.StatusOK || string(body) != string(good):
		t.Fatalf("after restart with MISP down: %d %q, want 200 %q", resp.StatusCode, body, good)
	case resp.Header.Get("X-Cache") != "STALE" || resp.Header.Get("ETag") != etag:
		t.Fatalf("after restart: X-Cache %q ETag %q, want STALE %q", resp.Header.Get("X-Cache"), resp.Header.Get("ETag"), etag)
	case resp.Header.Get("X-Cratos-Stale-Since") != resp.Header.Get("Last-Modified"):
		t.Fatalf("X-Cratos-Stale-Since %q, Last-Modified %q", resp.Header.Get("X-Cratos-Stale-Since"), resp.Header.Get("Last-Modified"))
	}
	// Another list never built has nothing to fall back on.
	if resp, _ := p.authed(t, "/v1/feed/block/type/domain/age/1y/output/txt"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a list never built: %d, want 503", resp.StatusCode)
	}
}
