package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// addLargeEvent adds n ip-dst attributes to the block feed, so that its
// lists outgrow a write buffer, identity and gzip alike.
func addLargeEvent(t *testing.T, h *harness, n int) {
	t.Helper()
	ev := mispsim.Event{Info: "large", Published: true, OrgName: "Acme", OrgUUID: acmeUUID, Tags: []string{"example:incident-classification=block"}}
	x := uint32(2463534242)
	for range n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		ev.Attributes = append(ev.Attributes, mispsim.Attribute{Type: "ip-dst", ToIDS: true,
			Value: fmt.Sprintf("%d.%d.%d.%d", 11+x%200, x>>8&255, x>>16&255, 1+x>>24%254)})
	}
	if _, err := h.sim.AddEvent(ev); err != nil {
		t.Fatal(err)
	}
}

// Answers sent back to back on one connection, the way a device that
// pipelines its requests receives them, are each the answer a request of
// its own gets: GET, HEAD, gzip, 304 and a closing GET.
func TestPipelinedAnswersArriveWhole(t *testing.T) {
	h := newHarness(t)
	addLargeEvent(t, h, 4000)
	_, plain := h.authed(feedPath)
	gzResp, gz := h.authed(feedPath, "Accept-Encoding", "gzip")
	if len(plain) < 16<<10 || len(gz) < 8<<10 {
		t.Fatalf("lists of %d and %d bytes: too small to test", len(plain), len(gz))
	}
	etag := gzResp.Header.Get("ETag")
	requests := []struct {
		method, extra string
		status        int
		body          string
	}{
		{"GET", "", 200, plain},
		{"HEAD", "", 200, ""},
		{"GET", "Accept-Encoding: gzip\r\n", 200, gz},
		{"GET", "If-None-Match: " + etag + "\r\n", 304, ""},
		{"GET", "Accept-Encoding: gzip\r\n", 200, gz},
		{"GET", "Connection: close\r\n", 200, plain},
	}
	var all strings.Builder
	for _, r := range requests {
		fmt.Fprintf(&all, "%s %s HTTP/1.1\r\nHost: x\r\ntoken: %s\r\n%s\r\n", r.method, feedPath, h.token, r.extra)
	}
	c := sendRaw(t, h.base, all.String())
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	br := bufio.NewReader(c)
	for i, r := range requests {
		resp, err := http.ReadResponse(br, &http.Request{Method: r.method})
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		if resp.StatusCode != r.status || string(body) != r.body {
			t.Errorf("answer %d (%s %q): %d with %d bytes, want %d with %d", i, r.method, r.extra, resp.StatusCode, len(body), r.status, len(r.body))
		}
	}
	if n, err := br.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("after the closing answer: %d bytes, %v; want the connection closed", n, err)
	}
}
