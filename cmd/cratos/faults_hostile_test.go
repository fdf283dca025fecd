package main

import (
	"context"
	"fmt"
	"io"
	"net"
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

// getFrom sends GET path to the process from the loopback address src.
func getFrom(t testing.TB, p *cratosProc, src, path string, headers ...string) (int, string, error) {
	t.Helper()
	tr := &http.Transport{DialContext: dialerFrom(src, 10*time.Second).DialContext}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", p.base+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Transport: tr, Timeout: time.Minute}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// TestFaultsConnectionFlood opens more idle connections than the process
// may have open files: the process stays up, one address cannot take
// every place, and once the flood ends the service answers again.
func TestFaultsConnectionFlood(t *testing.T) {
	t.Parallel()
	prlimit := testtool.Require(t, "prlimit", "util-linux")
	m := startBlockMISP(t)
	p := startCratos(t, procOptions{MISP: m.URL(), Prefix: []string{prlimit, "--nofile=512:512"},
		Config: "max_connections_per_ip: 100\n"})

	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	flood := func(src string, n int) {
		d := dialerFrom(src, 5*time.Second)
		for range n {
			if c, err := d.Dial("tcp", p.addr); err == nil {
				conns = append(conns, c)
			}
		}
	}
	// One address holds 150 idle connections: another is still served.
	flood("127.0.0.2", 150)
	testtool.WaitFor(t, "a request from another address", time.Minute, func() bool {
		code, _, err := getFrom(t, p, "127.0.0.3", "/v1/status?sites=0")
		return err == nil && code == 200
	})
	// Twelve more addresses, 50 each: past the 512 open files.
	for i := range 12 {
		flood(fmt.Sprintf("127.0.0.%d", 10+i), 50)
	}
	time.Sleep(2 * time.Second) // let the server accept what it will
	if p.proc.Exited() {
		t.Fatalf("cratos exited under %d idle connections: %s\n%s", len(conns), p.proc.Cmd.ProcessState, tail(p.out.String(), 4<<10))
	}
	for _, c := range conns {
		_ = c.Close()
	}
	conns = nil
	testtool.WaitFor(t, "the service after the flood", time.Minute, func() bool {
		code, _, err := getFrom(t, p, "127.0.0.1", "/v1/status?sites=0")
		return err == nil && code == 200
	})
	if resp, body := p.authed(t, "/v1/feed/block/type/ipv4/age/1d/output/txt"); resp.StatusCode != 200 || string(body) != blockIPv4Txt {
		t.Errorf("list after the flood: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(p.out.String(), "over the connection cap") {
		t.Errorf("refused connections were not logged")
	}
}

// TestFaultsHostileMISP makes MISP answer as an attacker would. Each
// answer gets a 502 naming the fault, the process stays small, and the
// key never leaves for a redirect target.
func TestFaultsHostileMISP(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	sinkURL, leaked := testtool.KeySink(t)
	site := strings.Replace(procSite(10), "page_size: 25000", "page_size: 1000", 1)
	p := startCratos(t, procOptions{MISP: m.URL(), Site: site,
		Config: "misp_max_response_bytes: 16777216\nmisp_max_pages: 20\n"})

	tests := []struct {
		name       string
		fault      mispsim.Fault
		status     int
		detail     string
		maxSearch  int64
		maxRSSMiB  int64
		leakedKeys int64
	}{
		{"declares 1 GiB, sends 30 bytes", mispsim.Fault{Kind: mispsim.FaultHugeLength, RestSearchOnly: true}, 502,
			"MISP 127.0.0.1: connection broke during the answer", 1, 200, 0},
		{"gzip bomb", mispsim.Fault{Kind: mispsim.FaultGzipBomb, Length: 256 << 20, RestSearchOnly: true}, 502,
			"MISP 127.0.0.1: response larger than 16777216 bytes", 1, 200, 0},
		{"never a short page", mispsim.Fault{Kind: mispsim.FaultEndlessPages, RestSearchOnly: true}, 502,
			"MISP 127.0.0.1: answered more than 20 pages for one list (misp_max_pages, misp_max_attributes)", 22, 200, 0},
		{"redirect", mispsim.Fault{Kind: mispsim.FaultRedirect, Location: sinkURL, RestSearchOnly: true}, 502,
			"MISP 127.0.0.1: answered HTTP 307 (a redirect, not followed: point the token at the final MISP URL)", 1, 200, 0},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A MISP key of the case's own: a page of an earlier case's
			// build still on its way does not count as this case's.
			key := fmt.Sprintf("hostile%033d", i)
			m.sim.AddUser(mispsim.User{Key: key, ID: 1, OrgID: 1, Email: "cratos-demo@example.org"})
			token := mintToken(t, filepath.Join(p.dir, "config", "config.yaml"), m.URL(), key)
			m.sim.SetFault(tc.fault)
			defer m.sim.SetFault(mispsim.Fault{})
			resp, body := p.get(t, fmt.Sprintf("/v1/feed/block/type/ipv4/age/%dd/output/txt", 200+i), "token", token)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, body, tc.status)
			}
			checkDetail(t, body, tc.detail)
			if n := searchesWithKey(m, key); n > tc.maxSearch {
				t.Errorf("%d restSearch requests, want at most %d", n, tc.maxSearch)
			}
			if rss := p.peakRSS(t) >> 20; rss > tc.maxRSSMiB {
				t.Errorf("peak RSS %d MiB, want at most %d", rss, tc.maxRSSMiB)
			}
			if leaked.Load() != tc.leakedKeys {
				t.Errorf("the MISP key reached the redirect target %d times", leaked.Load())
			}
		})
	}
	p.requireAlive(t)
}

// TestFaultsAbandonedBuild: a client that gives up on a list whose MISP
// never stops paging stops the build: cratos closes its MISP reads and
// asks for no further page.
func TestFaultsAbandonedBuild(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	// MISP's timeout outlasts every wait below: only the client's leaving
	// ends a held page.
	site := strings.Replace(procSite(600), "page_size: 25000", "page_size: 100", 1)
	p := startCratos(t, procOptions{MISP: m.URL(), Site: site, Config: "misp_max_pages: 100000\nmisp_max_attributes: 100000000\n"})
	m.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultEndlessPages, RestSearchOnly: true})
	defer m.sim.SetFault(mispsim.Fault{})
	pages := m.holdEachSearch(t)
	next := func(what string) *heldSearch {
		t.Helper()
		select {
		case s := <-pages:
			return s
		case <-time.After(time.Minute):
			t.Fatalf("MISP was not asked for %s", what)
			return nil
		}
	}

	ctx, leave := context.WithCancel(context.Background())
	defer leave()
	req, _ := http.NewRequestWithContext(ctx, "GET", p.base+"/v1/feed/block/type/ipv4/age/300d/output/txt", nil)
	req.Header.Set("token", p.token)
	answered := make(chan error, 1)
	go func() {
		resp, err := procClient.Do(req)
		if err == nil {
			resp.Body.Close()
			answered <- fmt.Errorf("the endless list answered %d", resp.StatusCode)
			return
		}
		answered <- nil
	}()
	first := next("the first page")
	building := time.Now()
	close(first.release)
	// Past the first page cratos reads two at once: both are held.
	held := []*heldSearch{next("a second page"), next("a third page")}
	// A connection found closed at the first check, half a second after
	// the build starts, is a half-close whose client still waits: this
	// client leaves well after it.
	time.Sleep(time.Until(building.Add(2 * time.Second)))
	leave()
	if err := <-answered; err != nil {
		t.Fatal(err)
	}
	for i, s := range held {
		select {
		case <-s.gone:
		case <-time.After(time.Minute):
			t.Fatalf("cratos still read page %d from MISP a minute after the client left", i+2)
		}
	}
	select {
	case <-pages:
		t.Error("MISP was asked for another page after the client left")
	case <-time.After(2 * time.Second):
	}
	p.requireAlive(t)
}

// TestFaultsSharedAddressAndCacheAbuse: one failing client behind a NAT
// does not lock out the valid tokens behind it; a token whose key MISP
// refuses cannot clear another key's lists; varying the age does not
// turn into one MISP query per request.
func TestFaultsSharedAddressAndCacheAbuse(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	p := startCratos(t, procOptions{MISP: m.URL(), Config: "cold_builds_per_minute: 10\n"})
	list := "/v1/feed/block/type/ipv4/age/1d/output/txt"

	bad := invalidTokens(t, p.token, 25)
	for _, tok := range bad {
		_, _ = p.get(t, list, "token", tok)
	}
	if resp, _ := p.get(t, list, "token", bad[0]); resp.StatusCode != 429 {
		t.Errorf("failing client after 25 failures: %d, want 429", resp.StatusCode)
	}
	if resp, body := p.authed(t, list); resp.StatusCode != 200 || string(body) != blockIPv4Txt {
		t.Fatalf("valid token behind the same address: %d %q, want 200", resp.StatusCode, body)
	}

	rejected := mintToken(t, filepath.Join(p.dir, "config", "config.yaml"), m.URL(), strings.Repeat("x", 40))
	req, _ := http.NewRequest("DELETE", p.base+"/v1/clear_cache/feed/block/type/ipv4/age/1d/output/txt", nil)
	req.Header.Set("token", rejected)
	if r, err := procClient.Do(req); err != nil || r.StatusCode != 200 {
		t.Fatalf("clear_cache with another key: %v", err)
	} else {
		r.Body.Close()
	}
	if resp, _ := p.authed(t, list); resp.Header.Get("X-Cache") != "HIT" {
		t.Errorf("after another key cleared the feed: X-Cache %q, want HIT", resp.Header.Get("X-Cache"))
	}

	before := m.sim.RestSearchCount()
	refused := 0
	for i := range 40 {
		resp, _ := p.authed(t, fmt.Sprintf("/v1/feed/block/type/ipv4/age/%dh/output/txt", 1000+i))
		if resp.StatusCode == 429 {
			refused++
		}
	}
	if n := m.sim.RestSearchCount() - before; n > 10 {
		t.Errorf("40 ages caused %d MISP searches, want at most 10 (cold_builds_per_minute)", n)
	}
	if refused < 29 {
		t.Errorf("%d of 40 cold requests refused, want at least 29", refused)
	}
	p.requireAlive(t)
}

// TestFaultsFIFOInSites: a FIFO in the sites folder (named or behind a
// symlink) blocks neither a reload nor the shutdown after it.
func TestFaultsFIFOInSites(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	p := startCratos(t, procOptions{MISP: m.URL()})
	dir := filepath.Dir(p.site)
	fifo := filepath.Join(dir, "stuck.example.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink(fifo, filepath.Join(dir, "stuck-link.example.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := p.proc.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testtool.WaitFor(t, "the reload to finish", time.Minute, func() bool { return strings.Contains(p.out.String(), `"msg":"sites reloaded"`) })
	if !strings.Contains(p.out.String(), "not a regular file") {
		t.Errorf("the symlinked FIFO was not reported")
	}
	if resp, body := p.authed(t, "/v1/feed/block/type/ipv4/age/1d/output/txt"); resp.StatusCode != 200 || string(body) != blockIPv4Txt {
		t.Errorf("list after the reload: %d %q", resp.StatusCode, body)
	}
	p.stop(t) // fails unless SIGTERM ends the process within 30 s
	if !p.proc.Exited() {
		t.Fatal("cratos still runs after SIGTERM")
	}
}

// TestFaultsProbeNotes: a garbage forwarding value behind a trusted proxy
// that is always allowed is refused, not served as the proxy; bare CR and
// NUL in headers are refused; a token after ';' or in the path never
// reaches the log.
func TestFaultsProbeNotes(t *testing.T) {
	t.Parallel()
	m := startBlockMISP(t)
	p := startCratos(t, procOptions{MISP: m.URL(), Config: "trusted_proxies: [127.0.0.1/32]\n"})
	list := "/v1/feed/block/type/ipv4/age/1d/output/txt"
	for _, v := range []string{"garbage", "", "unknown"} {
		if resp, body := p.authed(t, list, "X-Forwarded-For", v); resp.StatusCode != 400 {
			t.Errorf("X-Forwarded-For %q from the trusted, always-allowed proxy: %d %s, want 400", v, resp.StatusCode, body)
		}
	}
	for _, h := range []string{"X-Note: a\rb", "X-Note: a\x00b"} {
		if got := rawStatus(t, p.addr, "GET /v1/status?sites=0 HTTP/1.1\r\nHost: x\r\n"+h+"\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.1 400") {
			t.Errorf("header %q: %q, want 400", h, got)
		}
	}
	_, _ = p.get(t, list+"?cache=5;token="+p.token)
	_, _ = p.get(t, "/v1/feed/block/type/ipv4/age/1d/output/"+p.token)
	_, _ = p.get(t, "/"+p.token)
	testtool.WaitFor(t, "the access lines", time.Minute, func() bool { return strings.Count(p.out.String(), `"msg":"request"`) >= 8 })
	if strings.Contains(p.out.String(), p.token[:40]) {
		t.Errorf("a token reached the log")
	}
}

// searchesWithKey counts the restSearch requests MISP received with key.
func searchesWithKey(m *mispFront, key string) int64 {
	var n int64
	for _, r := range m.sim.Requests() {
		if strings.HasSuffix(strings.ToLower(r.Path), "/attributes/restsearch") && r.Header.Get("Authorization") == key {
			n++
		}
	}
	return n
}
