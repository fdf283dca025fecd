package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// A list past its lifetime is served at once, REVALIDATING, with its Age
// and a Warning, while one background rebuild runs; once a background
// rebuild has failed it is served STALE with the MISP-unavailable headers.
func TestStaleWhileRevalidateHeaders(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t)
	const p = feedPath + "?cache=1"
	first, good := h.authed(p)
	if first.StatusCode != 200 || first.Header.Get("X-Cache") != "MISS" || first.Header.Get("Age") == "" {
		t.Fatalf("first: %d %s Age %q", first.StatusCode, first.Header.Get("X-Cache"), first.Header.Get("Age"))
	}
	// No request during the lifetime (so no refresh-ahead): the first one
	// after it is served the list at once.
	time.Sleep(2100 * time.Millisecond)
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500})
	seen := map[string]bool{}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && !seen["STALE"] {
		resp, body := h.authed(p)
		xc := resp.Header.Get("X-Cache")
		seen[xc] = true
		if resp.StatusCode != 200 || body != good || resp.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Fatalf("%s: %d, body changed %v", xc, resp.StatusCode, body != good)
		}
		age, err := strconv.Atoi(resp.Header.Get("Age"))
		switch xc {
		case "HIT":
			t.Fatal("HIT past the lifetime with MISP failing")
		case "REVALIDATING":
			if err != nil || age < 1 || !strings.HasPrefix(resp.Header.Get("Warning"), "110 ") {
				t.Fatalf("REVALIDATING: Age %q, Warning %q", resp.Header.Get("Age"), resp.Header.Get("Warning"))
			}
		case "STALE":
			if err != nil || age < 1 || resp.Header.Get("X-Cratos-Stale-Since") == "" || !strings.Contains(resp.Header.Get("Warning"), "MISP unavailable") {
				t.Fatalf("STALE headers: %v", resp.Header)
			}
		default:
			t.Fatalf("X-Cache %q", xc)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !seen["REVALIDATING"] || !seen["STALE"] {
		t.Fatalf("saw %v, want REVALIDATING then STALE", seen)
	}
}
