package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// TestFaultsReload rewrites the site file under a running cratos and sends
// SIGHUP. A broken file (bad YAML, an unknown key, a bad CIDR) leaves the
// previous version of the site in force: the process keeps serving with
// it and logs which file is wrong and why. A fixed file is then reloaded.
func TestFaultsReload(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	p := startCratos(t, procOptions{MISP: m.URL()})
	mapping := func(t *testing.T) string {
		t.Helper()
		resp, body := p.authed(t, "/v1/feedmapping")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("feedmapping: %d %s", resp.StatusCode, body)
		}
		return string(body)
	}
	const oldBlock, newBlock = "example:incident-classification=block", "renamed:incident-classification=block"
	if !strings.Contains(mapping(t), oldBlock) {
		t.Fatalf("feedmapping does not select %s:\n%s", oldBlock, mapping(t))
	}
	hup := func(t *testing.T) map[string]any {
		t.Helper()
		before := len(p.out.Records("sites reloaded"))
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		var rec map[string]any
		waitFor(t, "the sites reloaded log line", 10*time.Second, func() bool {
			recs := p.out.Records("sites reloaded")
			if len(recs) > before {
				rec = recs[len(recs)-1]
				return true
			}
			return false
		})
		return rec
	}

	tests := []struct {
		name, site string
		why        string // in the logged error
	}{
		{"bad YAML", "enabled: true\ntag: [unclosed\n", "127.0.0.1.yaml"},
		{"unknown key", procSite(5) + "surprise: 1\n", "surprise"},
		{"bad CIDR", strings.Replace(procSite(5), "127.0.0.0/8", "127.0.0.300/8", 1), "127.0.0.300/8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(p.out.Records("site file not reloaded; keeping the previous version"))
			writeFile(t, p.site, strings.Replace(tc.site, procTag, "renamed", 1))
			if rec := hup(t); rec["errors"] != 1.0 {
				t.Errorf("sites reloaded with errors %v, want 1", rec["errors"])
			}
			recs := p.out.Records("site file not reloaded; keeping the previous version")
			if len(recs) != before+1 {
				t.Fatalf("%d log lines about the broken file, want 1", len(recs)-before)
			}
			why, _ := recs[len(recs)-1]["error"].(string)
			if !strings.Contains(why, "127.0.0.1.yaml") || !strings.Contains(why, tc.why) {
				t.Errorf("logged error %q names neither the file nor %q", why, tc.why)
			}
			p.requireAlive(t)
			if got := mapping(t); !strings.Contains(got, oldBlock) {
				t.Errorf("after a broken reload the site changed:\n%s", got)
			}
			resp, body := p.authed(t, "/v1/feed/block/type/ipv4/age/1d/output/txt")
			if resp.StatusCode != http.StatusOK || string(body) != blockIPv4Txt {
				t.Errorf("list after a broken reload: %d %q", resp.StatusCode, body)
			}
		})
	}
	t.Run("fixed file", func(t *testing.T) {
		writeFile(t, p.site, strings.Replace(procSite(5), procTag, "renamed", 1))
		if rec := hup(t); rec["errors"] != 0.0 {
			t.Errorf("sites reloaded with errors %v, want 0", rec["errors"])
		}
		if got := mapping(t); !strings.Contains(got, newBlock) {
			t.Errorf("the fixed file was not loaded:\n%s", got)
		}
	})
}

// TestFaultsAccessLogFull points access_log at /dev/full (through a
// symbolic link in a temporary directory, so that a rotation could only
// ever rename the link): every write fails with ENOSPC, and requests still
// succeed while the process stays up.
func TestFaultsAccessLogFull(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	link := filepath.Join(t.TempDir(), "access.log")
	if err := os.Symlink("/dev/full", link); err != nil {
		t.Fatal(err)
	}
	m := startBlockMISP(t)
	p := startCratos(t, procOptions{MISP: m.URL(), Config: fmt.Sprintf("access_log: %q\naccess_log_max_bytes: 1\naccess_log_rotations: 2\n", link)})
	for i := range 200 {
		resp, body := p.authed(t, fmt.Sprintf("/v1/feed/block/type/ipv4/age/%dd/output/txt", 1+i%20))
		if resp.StatusCode != http.StatusOK || string(body) != blockIPv4Txt {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
	}
	p.requireAlive(t)
	if target, err := os.Readlink(link); err != nil || target != "/dev/full" {
		t.Errorf("the access log link now points at %q (%v)", target, err)
	}
	if n := len(p.out.Records("request")); n != 0 {
		t.Errorf("%d access log lines went to the service log", n)
	}
}

// TestFaultsGracefulShutdown sends SIGTERM while a request waits on a
// slow MISP: the listener closes at once (new connections are refused),
// the request in flight completes with 200 and its list, and the process
// then exits with status 0.
func TestFaultsGracefulShutdown(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	p := startCratos(t, procOptions{MISP: m.URL(), Site: procSite(20)})
	m.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 3 * time.Second, RestSearchOnly: true})
	m.sim.ResetRequests()

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, p.base+"/v1/feed/block/type/ipv4/age/1d/output/txt", nil)
		req.Header.Set("token", p.token)
		resp, err := procClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{resp.StatusCode, string(b), err}
	}()
	waitFor(t, "the request to reach MISP", 10*time.Second, func() bool { return m.sim.RestSearchCount() > 0 })
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the listener to close", 2*time.Second, func() bool { return !accepts(p.addr) })
	if !p.running() {
		t.Fatal("cratos exited before the request in flight completed")
	}
	select {
	case r := <-done:
		if r.err != nil || r.status != http.StatusOK || r.body != blockIPv4Txt {
			t.Errorf("request in flight: %d %q %v, want 200 %q", r.status, r.body, r.err, blockIPv4Txt)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the request in flight did not complete")
	}
	select {
	case <-p.exited:
		if code := p.state.ExitCode(); code != 0 {
			t.Errorf("exit status %d, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cratos did not exit after the request completed")
	}
}

// After kill -9 and a restart with MISP stopped, the last good list is
// served from state_dir with the same bytes and ETag, STALE.
func TestDurableListAfterKill(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
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
