package server_test

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A client that closes its sending side once its request is sent
// (printf ... | nc -N, a proxy in TCP mode passing the FIN on) still waits
// for the answer: it gets the list, even one built only after the
// half-close.
func TestHalfClosedClientGetsItsList(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, withSite(func(s *config.Site) { s.MISPTimeoutSeconds = 60 }))
	const path = "/v1/feed/block/type/ipv4/age/1y/output/txt"
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 3 * time.Second, RestSearchOnly: true})
	before := h.sim.RestSearchCount()

	conn := sendRaw(t, h.base, "GET "+path+" HTTP/1.1\r\nHost: cratos\r\ntoken: "+h.token+"\r\n\r\n")
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	testtool.WaitFor(t, "MISP search", time.Minute, func() bool { return h.sim.RestSearchCount() > before })
	if err := conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after the half-close: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	h.sim.SetFault(mispsim.Fault{})
	if _, want := h.authed(path); resp.StatusCode != 200 || string(body) != want || !strings.Contains(want, "198.51.100.7\r\n") {
		t.Errorf("half-closed client: %d %q, want 200 %q", resp.StatusCode, body, want)
	}
	if recs := h.logs.Records("client gone before its list was built"); len(recs) != 0 {
		t.Errorf("a half-closed client logged as gone: %v", recs)
	}
}
