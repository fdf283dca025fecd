package server_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// sendRaw dials the server at base and writes request to it as it is,
// without reading the answer; the connection is closed when the test
// ends.
func sendRaw(t *testing.T, base, request string) *net.TCPConn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	return conn.(*net.TCPConn)
}

// leave resets conn, as a client that gives up does.
func leave(conn *net.TCPConn) {
	_ = conn.SetLinger(0)
	conn.Close()
}

// answer is what a request got: its status, X-Cache and body.
type answer struct {
	status      int
	cache, body string
}

// inBackground makes a request with get in a goroutine and returns the
// channel its answer comes on.
func inBackground(get func() (*http.Response, string)) <-chan answer {
	got := make(chan answer, 1)
	go func() {
		resp, body := get()
		got <- answer{resp.StatusCode, resp.Header.Get("X-Cache"), body}
	}()
	return got
}

// A client that resets its connection while its list is built is logged
// as gone (499), not as a failed list (500), and the build goes on for
// the device still waiting for the same list, which gets it.
func TestClientGoneWhileBuildingIs499(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, withSite(func(s *config.Site) { s.MISPTimeoutSeconds = 60 }))
	const path = "/v1/feed/block/type/ipv4/age/1y/output/txt"
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 8 * time.Second, RestSearchOnly: true})
	before := h.sim.RestSearchCount()

	leaving := sendRaw(t, h.base, "GET "+path+" HTTP/1.1\r\nHost: cratos\r\ntoken: "+h.token+"\r\n\r\n")
	testtool.WaitFor(t, "MISP search", time.Minute, func() bool { return h.sim.RestSearchCount() > before })
	staying := inBackground(func() (*http.Response, string) { return h.authed(path) })
	time.Sleep(time.Second) // the staying request joins the build
	leave(leaving)
	var gone map[string]any
	testtool.WaitFor(t, "access line of the client gone", time.Minute, func() bool {
		for _, r := range h.logs.Records("request") {
			if r["path"] == path {
				gone = r
			}
		}
		return gone != nil
	})
	if gone["status"] != float64(499) {
		t.Errorf("the client gone is logged with status %v, want 499", gone["status"])
	}

	got := <-staying
	if _, want := h.authed(path); got.status != 200 || got.cache != "MISS" || got.body != want || !strings.Contains(want, "198.51.100.7\r\n") {
		t.Errorf("the device that stayed: %d %s %q, want 200 MISS %q", got.status, got.cache, got.body, want)
	}
	if n := h.sim.RestSearchCount() - before; n != 1 {
		t.Errorf("%d MISP searches, want the one build", n)
	}
	if recs := h.logs.Records("list failed"); len(recs) != 0 {
		t.Errorf("logged as a failure: %v", recs)
	}
	recs := h.logs.Records("client gone before its list was built")
	if len(recs) != 1 || recs[0]["level"] != "INFO" {
		t.Errorf("client gone logged %v, want once at INFO", recs)
	}
	_, metrics := h.get("/metrics")
	if !strings.Contains(metrics, `status="499"`) || strings.Contains(metrics, `status="500"`) {
		t.Errorf("requests counted:\n%s", grepLines(metrics, "cratos_http_requests_total"))
	}
}
