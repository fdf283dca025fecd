package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
)

// restSearchBodies returns the bodies of the restSearch requests the
// emulator received, without the paging keys (order, limit and page).
func restSearchBodies(h *harness) []string {
	var out []string
	for _, r := range h.sim.Requests() {
		if r.Path == "/attributes/restSearch" {
			b := string(r.Body)
			if i := strings.Index(b, `,"order":"Attribute.id","limit":`); i > 0 {
				b = b[:i] + "}"
			}
			out = append(out, b)
		}
	}
	return out
}

func TestFeedTxtAndMISPQuery(t *testing.T) {
	h := newHarness(t)
	resp, body := h.authed(feedPath)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	// Canonical, de-duplicated, numerically sorted; the CIDR and the
	// false positive, the unpublished incident and the to_ids=false value
	// are not in a block/ipv4 list; an address with a port is that
	// address.
	want := "1.2.3.4\r\n192.0.2.44\r\n192.0.2.55\r\n198.51.100.7\r\n198.51.100.9\r\n198.51.100.10"
	if body != want {
		t.Errorf("body\n%q\nwant\n%q", body, want)
	}
	for header, want := range map[string]string{
		"Content-Type": "text/plain; charset=utf-8", "X-Cache": "MISS", "X-Cratos-Entries": "6", "X-Cratos-Invalid": "0",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	bodies := restSearchBodies(h)
	if len(bodies) != 1 {
		t.Fatalf("%d restSearch requests, want 1", len(bodies))
	}
	// One search reads the whole feed: the types of every data type, with
	// no age and no to_ids bound; each list is selected from it.
	wantBody := `{"returnFormat":"json","type":["ip-src","ip-dst","domain|ip","ip-dst|port","ip-src|port","domain","hostname",` +
		`"hostname|port","url","md5","filename|md5","sha1","filename|sha1","sha256","filename|sha256","mutex","snort","yara",` +
		`"sigma","x509-fingerprint-md5","x509-fingerprint-sha1","x509-fingerprint-sha256","email-dst","email-src",` +
		`"email-subject","email-attachment","vulnerability","ja3-fingerprint-md5","hassh-md5","hasshserver-md5","imphash",` +
		`"btc","xmr"],"tags":["!example:incident-classification=false-positive","example:incident-classification=block"],` +
		`"withAttachments":0,"metadata":1,"timestamp":0,"published":true,"enforceWarninglist":1,` +
		`"includeEventUuid":0,"includeEventTags":0,"sgReferenceOnly":0,"includeContext":0,` +
		`"headerless":0,"includeSightings":0,"includeDecayScore":0,"includeCorrelations":0,"excludeDecayed":0}`
	if bodies[0] != wantBody {
		t.Errorf("restSearch body\n%s\nwant\n%s", bodies[0], wantBody)
	}
	r := h.sim.Requests()[0]
	if r.Header.Get("Authorization") != mispsim.DefaultKey || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		t.Errorf("MISP request headers %v", r.Header)
	}
}

func TestFeedQueryVariants(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		path     string
		contains []string
		absent   []string
	}{
		{"/v1/feed/incident/type/ipv4/age/1y/output/txt", []string{`"published":false`, `"tags":["!example:incident-classification=false-positive","example:incident-classification=incident"]`}, nil},
		{"/v1/feed/42/type/ipv4/age/1y/output/txt", []string{`"enforceWarninglist":0`, `"tags":["!example:incident-classification=false-positive"]`}, nil},
		{"/v1/feed/any/type/ipv4/age/1y/output/txt", []string{`"enforceWarninglist":1`, `"tags":["!example:incident-classification=false-positive"]`, `"published":true`}, nil},
		{"/v1/feed/cust1/type/domain/age/1y/output/txt", []string{`"tags":["!example:incident-classification=false-positive","example:incident-classification=cust1"]`}, nil},
		// A feed's search asks for every data type's types and leaves
		// to_ids to the list (each feed is read once, so one per case).
		{"/v1/feed/block/type/vulnerability/age/1y/output/txt", []string{`"vulnerability","ja3-fingerprint-md5"`}, []string{"to_ids"}},
		{"/v1/feed/hunt/type/ja3/age/1y/output/txt", []string{`"vulnerability","ja3-fingerprint-md5"`}, []string{"to_ids"}},
		{"/v1/uuid/" + acmeUUID + "/type/ipv4/age/1y/output/txt", []string{`"type":["ip-src","ip-dst","domain|ip","ip-dst|port","ip-src|port"],"org":"` + acmeUUID + `","tags":["!example:incident-classification=false-positive"]`, `"published":true`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			h.sim.ResetRequests()
			resp, body := h.authed(tc.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			bodies := restSearchBodies(h)
			if len(bodies) != 1 {
				t.Fatalf("%d restSearch requests", len(bodies))
			}
			for _, c := range tc.contains {
				if !strings.Contains(bodies[0], c) {
					t.Errorf("body %s lacks %s", bodies[0], c)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(bodies[0], a) {
					t.Errorf("body %s has %s", bodies[0], a)
				}
			}
		})
	}
}

func TestCacheHeaders(t *testing.T) {
	h := newHarness(t)
	first, body1 := h.authed(feedPath)
	second, body2 := h.authed(feedPath)
	if first.Header.Get("X-Cache") != "MISS" || second.Header.Get("X-Cache") != "HIT" {
		t.Fatalf("X-Cache %s then %s", first.Header.Get("X-Cache"), second.Header.Get("X-Cache"))
	}
	if body1 != body2 {
		t.Error("a hit returned other bytes")
	}
	for _, hd := range []string{"Content-Type", "ETag", "Last-Modified", "Cache-Control", "X-Cratos-Entries"} {
		if first.Header.Get(hd) != second.Header.Get(hd) || first.Header.Get(hd) == "" {
			t.Errorf("%s: %q then %q", hd, first.Header.Get(hd), second.Header.Get(hd))
		}
	}
	etag := first.Header.Get("ETag")
	nm, body := h.authed(feedPath, "If-None-Match", etag)
	if nm.StatusCode != 304 || body != "" {
		t.Errorf("If-None-Match: %d %q, want 304 and no body", nm.StatusCode, body)
	}
	if n := h.sim.RestSearchCount(); n != 1 {
		t.Errorf("%d MISP searches for three requests, want 1", n)
	}
	// Two outputs of one feed cost one fetch.
	if resp, _ := h.authed("/v1/feed/block/type/ipv4/age/1y/output/json"); resp.Header.Get("X-Cache") != "MISS" {
		t.Errorf("json: X-Cache %s", resp.Header.Get("X-Cache"))
	}
	if n := h.sim.RestSearchCount(); n != 1 {
		t.Errorf("%d MISP searches after a second output, want 1", n)
	}
	// Clearing the feed makes the next request a miss.
	resp, body := h.do("DELETE", "/v1/clear_cache/feed/block/type/ipv4/age/1y/output/txt", "token", h.token)
	if resp.StatusCode != 200 || body != `{"ok":true}` {
		t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
	}
	if resp, _ := h.authed(feedPath); resp.Header.Get("X-Cache") != "MISS" {
		t.Errorf("after clear_cache: X-Cache %s", resp.Header.Get("X-Cache"))
	}
	if n := h.sim.RestSearchCount(); n != 2 {
		t.Errorf("%d MISP searches after clearing, want 2", n)
	}
}

func TestGzip(t *testing.T) {
	// 172.16.0.0/22 expands to a list worth compressing.
	h := newHarness(t, withSite(func(s *config.Site) { s.Guard.AllowReserved = true }))
	resp, body := h.authed("/v1/feed/block/type/ipv4ext/age/1y/output/txt", "Accept-Encoding", "gzip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	_, direct := h.authed("/v1/feed/block/type/ipv4ext/age/1y/output/txt")
	if string(plain) != direct || !strings.Contains(direct, "203.0.113.11") {
		t.Errorf("gzip body decodes to %d bytes, plain is %d", len(plain), len(direct))
	}
}

func TestStaleOnMISPFailure(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	// Without stale-while-revalidate every request past the lifetime
	// rebuilds (swr_test.go covers the background rebuilds).
	h := newHarness(t, withSite(func(s *config.Site) { s.MaxStaleSeconds = -1 }))
	resp, good := h.authed(feedPath + "?cache=1")
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	time.Sleep(1100 * time.Millisecond)
	for _, f := range []mispsim.Fault{
		{Kind: mispsim.FaultStatus, Status: 500},
		{Kind: mispsim.FaultHTML},
		{Kind: mispsim.FaultTruncated},
		{Kind: mispsim.FaultReset},
	} {
		h.sim.SetFault(f)
		resp, body := h.authed(feedPath + "?cache=1")
		if resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "STALE" || body != good {
			t.Errorf("fault %v: %d %s %q", f.Kind, resp.StatusCode, resp.Header.Get("X-Cache"), body)
		}
		if resp.Header.Get("X-Cratos-Stale-Since") == "" || !strings.Contains(resp.Header.Get("Warning"), "110") {
			t.Errorf("fault %v: stale headers missing: %v", f.Kind, resp.Header)
		}
	}
}

func TestUpstreamErrorsWithoutLastGood(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	tests := []struct {
		fault  mispsim.Fault
		status int
		detail string
	}{
		{mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500}, 502, "answered HTTP 500"},
		{mispsim.Fault{Kind: mispsim.FaultHTML}, 502, "not JSON"},
		{mispsim.Fault{Kind: mispsim.FaultTruncated}, 502, ""},
		{mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 5 * time.Second}, 504, "no answer within the site's mispTimeoutSeconds (2s)"},
		{mispsim.Fault{Kind: mispsim.FaultStatus, Status: 403}, 502, ""},
	}
	for _, tc := range tests {
		t.Run(tc.fault.Kind.String(), func(t *testing.T) {
			h := newHarness(t)
			h.sim.SetFault(tc.fault)
			resp, body := h.authed(feedPath)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.status)
			}
			d := detailOf(t, body)
			if !strings.Contains(d, h.site.Name) || !strings.Contains(d, tc.detail) || strings.Contains(body, mispsim.DefaultKey) {
				t.Errorf("detail %q should name the site, say %q and never the key", d, tc.detail)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		h := newHarness(t)
		h.sim.Close()
		resp, body := h.authed(feedPath)
		if resp.StatusCode != 503 {
			t.Errorf("status %d (%s), want 503", resp.StatusCode, body)
		}
	})
}

func TestSingleFlight(t *testing.T) {
	// Five hundred requests at once on a loaded machine can hold the one
	// MISP read past the harness's 2 s timeout; this test is not about
	// timeouts.
	h := newHarness(t, withSite(func(s *config.Site) { s.MISPTimeoutSeconds = 30 }))
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 300 * time.Millisecond})
	const n = 500
	var wg sync.WaitGroup
	bodies := make([]string, n)
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := h.authed(feedPath)
			codes[i], bodies[i] = resp.StatusCode, body
		}()
	}
	wg.Wait()
	for i := range n {
		if codes[i] != 200 || !bytes.Equal([]byte(bodies[i]), []byte(bodies[0])) {
			t.Fatalf("request %d: %d", i, codes[i])
		}
	}
	if c := h.sim.RestSearchCount(); c != 1 {
		t.Errorf("%d concurrent cold requests caused %d MISP searches, want 1", n, c)
	}
}

// A list rebuilt from MISP with the same content keeps its bytes, ETag
// and Last-Modified, so pollers keep getting 304s across cache lifetimes.
func TestUnchangedListKeepsItsETag(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, withSite(func(s *config.Site) { s.MaxStaleSeconds = -1 }))
	const p = "/v1/feed/block/type/domain/age/1y/output/suricata?cache=1"
	first, body1 := h.authed(p)
	time.Sleep(1100 * time.Millisecond)
	second, body2 := h.authed(p)
	if second.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("second request %s, want a rebuild (MISS)", second.Header.Get("X-Cache"))
	}
	if body1 != body2 || first.Header.Get("ETag") != second.Header.Get("ETag") || first.Header.Get("Last-Modified") != second.Header.Get("Last-Modified") {
		t.Errorf("an unchanged list changed across a rebuild:\n%s\n%s", first.Header, second.Header)
	}
	// The feed read: one search, then the event index for the tags of the
	// events held. The rebuild refreshed the block feed: the event index
	// of events published since the read (less the margin: the harness's
	// own, just added), the attributes written since, the index of the
	// events held (to drop those deleted or now unpublished), the feed's
	// search restricted to what changed, and the index of the events it
	// searched.
	if n := h.sim.RestSearchCount(); n != 1+2 {
		t.Errorf("%d MISP searches, want 3 (the feed read, then refreshed)", n)
	}
	if n := h.sim.Counters().Paths["/events/index"]; n != 1+3 {
		t.Errorf("%d event index requests, want 4 (the feed read, then refreshed)", n)
	}
	// A content change moves the ETag.
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "new", Published: true, Tags: []string{"example:incident-classification=block"},
		Attributes: []mispsim.Attribute{{Type: "domain", Value: "new.example", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	third, body3 := h.authed(p)
	if third.Header.Get("ETag") == first.Header.Get("ETag") || !strings.Contains(body3, "new.example") {
		t.Errorf("a changed list kept its ETag")
	}
}

// ipv4ext expands nets into addresses only up to the site's budget; the
// rest stay CIDRs and the answer says how many.
func TestIPv4ExtBudget(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.ExpandMax = 100; s.Guard.AllowReserved = true }))
	resp, body := h.authed("/v1/feed/block/type/ipv4ext/age/1y/output/txt")
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	for _, want := range []string{"10.0.0.0/8", "172.16.0.0/22", "203.0.113.8\r\n203.0.113.9\r\n203.0.113.10\r\n203.0.113.11"} {
		if !strings.Contains(body, want) {
			t.Errorf("list lacks %q:\n%s", want, body)
		}
	}
	if got := resp.Header.Get("X-Cratos-Kept-Nets"); got != "2" {
		t.Errorf("X-Cratos-Kept-Nets %q, want 2", got)
	}
}

func TestAdminFlush(t *testing.T) {
	h := newHarness(t)
	h.authed(feedPath)
	if resp, body := h.do("DELETE", "/v1/clear_cache/all", "token", h.token); resp.StatusCode != 403 {
		t.Errorf("flush by a non-admin token: %d %s", resp.StatusCode, body)
	}
	h.setAdmins(auth.Fingerprint(h.token))
	if resp, body := h.do("DELETE", "/v1/clear_cache/all", "token", h.token); resp.StatusCode != 200 || body != `{"ok":true}` {
		t.Errorf("admin flush: %d %s", resp.StatusCode, body)
	}
	if resp, _ := h.authed(feedPath); resp.Header.Get("X-Cache") != "MISS" {
		t.Errorf("after a flush: %s", resp.Header.Get("X-Cache"))
	}
}

// TestAnswersAreInertInABrowser: every list answer (built, from the
// cache, gzip) and every MISP view says nosniff and a sandbox policy, so
// that no answer, whatever type its renderer declares, runs a script on
// the console's origin; a 304 carries no body and needs neither.
func TestAnswersAreInertInABrowser(t *testing.T) {
	h := newHarness(t)
	check := func(what string, resp *http.Response) {
		t.Helper()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", what, resp.StatusCode)
		}
		for header, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"} {
			if got := resp.Header.Values(header); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %s = %q, want %q once", what, header, got, want)
			}
		}
	}
	resp, _ := h.authed(feedPath)
	check("built list", resp)
	resp, _ = h.authed(feedPath)
	check("list from the cache", resp)
	resp, _ = h.authed(feedPath, "Accept-Encoding", "gzip")
	check("gzip list", resp)
	id, err := h.sim.AddWarninglist(mispsim.Warninglist{Name: "Html", Type: "string", Description: "d", Version: 1, Category: "false-positive",
		MatchingAttributes: []string{"domain"}, List: []string{"<script>alert(1)</script>"}})
	if err != nil {
		t.Fatal(err)
	}
	wl := "/v1/warninglist/id/" + strconv.FormatInt(id, 10) + "/output/"
	for _, p := range []string{wl + "txt", wl + "json", wl + "yaml", "/v1/statistics"} {
		resp, _ := h.authed(p)
		check(p, resp)
	}
}
