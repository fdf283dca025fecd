package main

import (
	"encoding/json"
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
	"github.com/cratos-project/cratos/internal/testtool"
)

// blockFixture is the block feed every fault test serves, and the lists it
// gives.
var blockFixture = []mispsim.Attribute{
	idsAttr("ip-dst", "198.51.100.7"),
	idsAttr("ip-dst", "203.0.113.9"),
	idsAttr("ip-src", "192.0.2.44"),
	idsAttr("domain", "evil.example.net"),
	idsAttr("domain", "malware.example.org"),
	idsAttr("url", "http://evil.example.net/gate.php"),
}

// startBlockMISP starts an emulator whose one event carries blockFixture
// in the block feed.
func startBlockMISP(t testing.TB) *mispFront {
	t.Helper()
	return startMISP(t, feedEvent("block", "block fixture", blockFixture...))
}

const (
	blockIPv4Txt   = "192.0.2.44\r\n198.51.100.7\r\n203.0.113.9"
	blockDomainTxt = "evil.example.net\r\nmalware.example.org"
)

// checkDetail fails unless body is {"detail": want}.
func checkDetail(t *testing.T, body []byte, want string) {
	t.Helper()
	var d struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(body, &d); err != nil || d.Detail != want {
		t.Errorf("body %s, want detail %q", body, want)
	}
}

// staleProblem says how a response is not the last good list good (with
// ETag etag) served stale while MISP is unavailable, or "" when it is.
func staleProblem(resp *http.Response, body, good []byte, etag string) string {
	h := resp.Header
	switch {
	case resp.StatusCode != http.StatusOK || string(body) != string(good):
		return fmt.Sprintf("%d %q, want 200 %q", resp.StatusCode, body, good)
	case h.Get("X-Cache") != "STALE" || h.Get("ETag") != etag:
		return fmt.Sprintf("X-Cache %q ETag %q, want STALE %q", h.Get("X-Cache"), h.Get("ETag"), etag)
	case !strings.HasPrefix(h.Get("Warning"), `110 cratos "Response is Stale`):
		return fmt.Sprintf("Warning %q", h.Get("Warning"))
	}
	// Stale since MISP was last read for the list: not before its
	// content last changed.
	since, serr := http.ParseTime(h.Get("X-Cratos-Stale-Since"))
	changed, cerr := http.ParseTime(h.Get("Last-Modified"))
	if serr != nil || cerr != nil || since.Before(changed) {
		return fmt.Sprintf("X-Cratos-Stale-Since %q, Last-Modified %q", h.Get("X-Cratos-Stale-Since"), h.Get("Last-Modified"))
	}
	return ""
}

// TestFaultsMISP makes the MISP behind a running cratos fail in each way a
// real one does. For each fault, a list fetched while MISP was healthy is
// served again from the last good copy (200, X-Cache: STALE, the same
// bytes and ETag, a Warning 110 and X-Cratos-Stale-Since), a list never
// fetched before gets the fault's 5xx with a detail naming the site (never
// 401/403, never an empty 200), the process stays up, and once MISP
// recovers the cold list is built.
func TestFaultsMISP(t *testing.T) {
	t.Parallel()
	const timeout = 2 // mispTimeoutSeconds
	m := startBlockMISP(t)
	// Without stale-while-revalidate, so an expired list rebuilds at once
	// (durable_test.go covers the background rebuilds).
	p := startCratos(t, procOptions{MISP: m.URL(), Site: procSite(timeout) + "max_stale_seconds: -1\n"})
	fault := func(f mispsim.Fault) func(*testing.T) {
		return func(*testing.T) { m.sim.SetFault(f) }
	}
	noFault := func(*testing.T) { m.sim.SetFault(mispsim.Fault{}) }

	tests := []struct {
		name            string
		inject, recover func(*testing.T)
		coldStatus      int
		coldDetail      string
	}{
		{"MISP down", func(*testing.T) { m.down() }, func(t *testing.T) { m.up(t) }, http.StatusServiceUnavailable,
			"MISP 127.0.0.1: connection failed"},
		{"slow past mispTimeoutSeconds", fault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 2*timeout*time.Second + time.Second, RestSearchOnly: true}), noFault,
			http.StatusGatewayTimeout, fmt.Sprintf("MISP 127.0.0.1: no answer within the site's mispTimeoutSeconds (%ds)", timeout)},
		{"HTTP 500", fault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500, RestSearchOnly: true}), noFault,
			http.StatusBadGateway, "MISP 127.0.0.1: answered HTTP 500: An Internal Error Has Occurred."},
		{"HTTP 503", fault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 503, RestSearchOnly: true}), noFault,
			http.StatusBadGateway, "MISP 127.0.0.1: answered HTTP 503: An Internal Error Has Occurred."},
		{"HTML login page", fault(mispsim.Fault{Kind: mispsim.FaultHTML, RestSearchOnly: true}), noFault,
			http.StatusBadGateway, "MISP 127.0.0.1: answered with content that is not JSON"},
		{"truncated JSON", fault(mispsim.Fault{Kind: mispsim.FaultTruncated, RestSearchOnly: true}), noFault,
			http.StatusBadGateway, "MISP 127.0.0.1: connection broke during the answer"},
		{"connection reset", fault(mispsim.Fault{Kind: mispsim.FaultReset, RestSearchOnly: true}), noFault,
			http.StatusBadGateway, "MISP 127.0.0.1: connection broke during the answer"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Each case has its own age, so its own lists and last good copy.
			warm := fmt.Sprintf("/v1/feed/block/type/ipv4/age/%dd/output/txt?cache=1", 100+i)
			cold := fmt.Sprintf("/v1/feed/block/type/domain/age/%dd/output/txt?cache=1", 100+i) // the feed read for warm is too old for it too

			resp, good := p.authed(t, warm)
			if resp.StatusCode != http.StatusOK || string(good) != blockIPv4Txt || resp.Header.Get("X-Cache") != "MISS" {
				t.Fatalf("healthy MISP: %d X-Cache %q %q", resp.StatusCode, resp.Header.Get("X-Cache"), good)
			}
			etag := resp.Header.Get("ETag")
			time.Sleep(1200 * time.Millisecond) // past ?cache=1

			tc.inject(t)
			recovered := false
			t.Cleanup(func() {
				if !recovered { // a failed case must not leave MISP broken for the next
					tc.recover(t)
				}
			})
			resp, body := p.authed(t, warm)
			if problem := staleProblem(resp, body, good, etag); problem != "" {
				t.Errorf("last good list: %s", problem)
			}

			resp, body = p.authed(t, cold)
			if resp.StatusCode != tc.coldStatus {
				t.Errorf("list without a last good copy: %d %s, want %d", resp.StatusCode, body, tc.coldStatus)
			}
			checkDetail(t, body, tc.coldDetail)
			if strings.Contains(string(body), mispsim.DefaultKey) {
				t.Errorf("the answer names the MISP key: %s", body)
			}
			p.requireAlive(t)

			tc.recover(t)
			recovered = true
			resp, body = p.authed(t, cold)
			if resp.StatusCode != http.StatusOK || string(body) != blockDomainTxt {
				t.Errorf("after recovery: %d %q, want 200 %q", resp.StatusCode, body, blockDomainTxt)
			}
		})
	}
}

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
		if err := p.proc.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		var rec map[string]any
		testtool.WaitFor(t, "the sites reloaded log line", time.Minute, func() bool {
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
			testtool.WriteFile(t, p.site, strings.Replace(tc.site, procTag, "renamed", 1))
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
		testtool.WriteFile(t, p.site, strings.Replace(procSite(5), procTag, "renamed", 1))
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
	arrived, release := m.holdSearches(t)

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
	select {
	case <-arrived:
	case <-time.After(time.Minute):
		t.Fatal("the request did not reach MISP")
	}
	if err := p.proc.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	testtool.WaitFor(t, "the listener to close", time.Minute, func() bool { return !accepts(p.addr) })
	if p.proc.Exited() {
		t.Fatal("cratos exited before the request in flight completed")
	}
	release() // MISP answers
	select {
	case r := <-done:
		if r.err != nil || r.status != http.StatusOK || r.body != blockIPv4Txt {
			t.Errorf("request in flight: %d %q %v, want 200 %q", r.status, r.body, r.err, blockIPv4Txt)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the request in flight did not complete")
	}
	select {
	case <-p.proc.Done():
		if code := p.proc.Cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("exit status %d, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cratos did not exit after the request completed")
	}
}

// After kill -9 and a restart with MISP stopped, the last good list, still
// within its lifetime, is served from state_dir as before the kill: a
// HIT with the same bytes and ETag, MISP not asked.
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
	// Its record and its body, in a file named after its ETag.
	testtool.WaitFor(t, "the last good list in state_dir", time.Minute, func() bool {
		files, _ := filepath.Glob(lists)
		return len(files) == 2
	})

	p.proc.Kill() // SIGKILL: no shutdown code runs
	m.down()
	if err := p.start(t, cratosBinary(t), filepath.Join(p.dir, "config", "config.yaml")); err != nil {
		t.Fatalf("restart: %v\n%s", err, p.out.String())
	}
	resp, body := p.authed(t, path)
	if resp.StatusCode != http.StatusOK || string(body) != string(good) || resp.Header.Get("X-Cache") != "HIT" || resp.Header.Get("ETag") != etag {
		t.Fatalf("after restart with MISP down: %d X-Cache %q ETag %q %q, want 200 HIT %q %q", resp.StatusCode,
			resp.Header.Get("X-Cache"), resp.Header.Get("ETag"), body, etag, good)
	}
	// Another list never built has nothing to fall back on.
	if resp, _ := p.authed(t, "/v1/feed/block/type/domain/age/1y/output/txt"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a list never built: %d, want 503", resp.StatusCode)
	}
}
