package server_test

import (
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// sendTAXIIPoll sends a TAXII poll of path with token on a connection of
// its own, and leaves the answer unread.
func sendTAXIIPoll(t *testing.T, h *harness, token, path string) *net.TCPConn {
	t.Helper()
	basic := base64.StdEncoding.EncodeToString([]byte("cratos:" + token))
	return sendRaw(t, h.base, "GET "+path+" HTTP/1.1\r\nHost: cratos\r\nAuthorization: Basic "+basic+
		"\r\nAccept: "+taxiiAccept+"\r\n\r\n")
}

// waitGone waits for the access line of path saying its client left (499).
func waitGone(t *testing.T, h *harness, path string) {
	t.Helper()
	testtool.WaitFor(t, "access line (499) of the client gone", time.Minute, func() bool {
		for _, r := range h.logs.Records("request") {
			if r["path"] == path && r["status"] == float64(499) {
				return true
			}
		}
		return false
	})
}

// A TAXII poll whose client leaves while the collection is read from a
// slow MISP stops that read: its build slot (the only one) goes to
// another token's list long before MISP's answer, not once the read or
// the build timeout ends.
func TestTAXIIPollOfAClientGoneFreesItsBuildSlot(t *testing.T) {
	h := newHarness(t, func(h *harness) { h.maxBuilds = 1 }, withSite(func(s *config.Site) { s.MISPTimeoutSeconds = 600 }))
	other := h.claims
	other.Expires = "2098-01-01"
	otherToken := h.mint(other)
	before := h.sim.RestSearchCount()
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 150 * time.Second, RestSearchOnly: true, Times: 1})

	path := newPoller(h, "block").path
	conn := sendTAXIIPoll(t, h, h.token, path)
	testtool.WaitFor(t, "MISP search of the poll", time.Minute, func() bool { return h.sim.RestSearchCount() > before })
	leave(conn)

	start := time.Now()
	resp, body := h.get("/v1/feed/incident/type/ipv4/age/1y/output/txt", "token", otherToken)
	if took := time.Since(start); resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "MISS" || took > 75*time.Second {
		t.Errorf("another token's list after the poll's client left: %d %s after %v, want 200 MISS well before MISP's answer at 150s: %s",
			resp.StatusCode, resp.Header.Get("X-Cache"), took.Round(time.Second), body)
	}
	waitGone(t, h, path)
}

// A poll of another token waiting for the same collection read gets its
// answer when the client that started the read leaves: the read goes on
// for it.
func TestTAXIIPollJoinedGoesOnWhenItsFirstClientLeaves(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, withSite(func(s *config.Site) { s.MISPTimeoutSeconds = 60 }))
	other := h.claims
	other.Expires = "2098-01-01"
	before := h.sim.RestSearchCount()
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 8 * time.Second, RestSearchOnly: true})

	path := newPoller(h, "block").path
	conn := sendTAXIIPoll(t, h, h.mint(other), path)
	testtool.WaitFor(t, "MISP search of the first poll", time.Minute, func() bool { return h.sim.RestSearchCount() > before })
	staying := inBackground(func() (*http.Response, string) { return h.taxiiGet(path) })
	time.Sleep(time.Second) // the staying poll joins the read
	leave(conn)

	got := <-staying
	if got.status != 200 || got.cache != "" || !strings.Contains(got.body, "198.51.100.7") {
		t.Errorf("the poll that stayed: %d X-Cache %q %s, want 200 with the collection", got.status, got.cache, got.body)
	}
	if recs := h.logs.Records("taxii collection failed"); len(recs) != 0 {
		t.Errorf("logged as a failure: %v", recs)
	}
	waitGone(t, h, path)
}
