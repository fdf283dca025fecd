package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
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
			http.StatusGatewayTimeout, fmt.Sprintf("MISP 127.0.0.1: no answer within %ds", timeout)},
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
			switch {
			case resp.StatusCode != http.StatusOK || string(body) != string(good):
				t.Errorf("last good list: %d %q, want 200 %q", resp.StatusCode, body, good)
			case resp.Header.Get("X-Cache") != "STALE" || resp.Header.Get("ETag") != etag:
				t.Errorf("last good list: X-Cache %q ETag %q, want STALE %q", resp.Header.Get("X-Cache"), resp.Header.Get("ETag"), etag)
			case !strings.HasPrefix(resp.Header.Get("Warning"), `110 cratos "Response is Stale`):
				t.Errorf("last good list: Warning %q", resp.Header.Get("Warning"))
			case resp.Header.Get("X-Cratos-Stale-Since") != resp.Header.Get("Last-Modified"):
				t.Errorf("X-Cratos-Stale-Since %q, Last-Modified %q", resp.Header.Get("X-Cratos-Stale-Since"), resp.Header.Get("Last-Modified"))
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
