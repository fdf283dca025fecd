package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// addGuardEvent adds the values the guard exists for: what reached
// devices before, and what was lost.
func addGuardEvent(t *testing.T, sim *mispsim.Server) {
	t.Helper()
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "List of known IPv4 public DNS resolvers", Type: "cidr",
		MatchingAttributes: []string{"ip-src", "ip-dst", "domain|ip"}, List: []string{"8.8.4.4", "8.8.8.8"}}); err != nil {
		t.Fatal(err)
	}
	// A list for another MISP type keeps nothing out of an IP list,
	// whatever fields the list's renderer reads (the guard reads the
	// MISP type).
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "Addresses named as domains", Type: "cidr",
		MatchingAttributes: []string{"domain"}, List: []string{"198.51.100.7"}}); err != nil {
		t.Fatal(err)
	}
	attrs := []mispsim.Attribute{
		{Type: "ip-dst", Value: "[2001:db8::1]:443"},
		{Type: "ip-dst", Value: "[2a03:b0c0::1]:443"},
		{Type: "ip-dst", Value: "0.0.0.0/0"},
		{Type: "ip-dst", Value: "::/0"},
		{Type: "ip-dst", Value: "0.0.0.0/1"},
		{Type: "ip-dst", Value: " 8.8.4.4 "},
		{Type: "ip-dst", Value: "8[.]8[.]8[.]8"},
		{Type: "ip-dst", Value: "45.77.16.40:8080"},
		{Type: "ip-dst", Value: "46.8.120.153::8080"},
		{Type: "hostname", Value: "host.evil-example.xyz:8080"},
		{Type: "domain", Value: "host.evil-example.xyz:8080"},
		{Type: "domain", Value: "*.wild.evil-example.xyz"},
		{Type: "domain", Value: "co.uk"},
		{Type: "domain", Value: "bad.co.uk"},
		{Type: "snort", Value: "pass ip any any -> any any (sid:1;)"},
		{Type: "snort", Value: "drop ip any any -> any any (sid:2;)"},
		{Type: "snort", Value: `alert tcp any any -> any 80 (msg:"guarded"; sid:3000001; rev:1;)`},
	}
	for i := range attrs {
		attrs[i].ToIDS = true
	}
	if _, err := sim.AddEvent(mispsim.Event{Info: "guard", Published: true, Tags: []string{"example:incident-classification=block"}, Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
}

func TestGuardIssueValues(t *testing.T) {
	h := newHarness(t)
	addGuardEvent(t, h.sim)
	tests := []struct {
		name     string
		path     string
		want     []string
		wantNot  []string
		dropped  string // substring of X-Cratos-Dropped
		exactish string // exact body, when set
	}{
		{name: "ipv4: ports kept as addresses, resolvers kept out", path: "/v1/feed/block/type/ipv4/age/1y/output/txt",
			exactish: "1.2.3.4\r\n45.77.16.40\r\n46.8.120.153\r\n192.0.2.44\r\n192.0.2.55\r\n198.51.100.7\r\n198.51.100.9\r\n198.51.100.10",
			dropped:  "guard: warninglist=2"},
		{name: "ipv4ext: no whole Internet, no reserved", path: "/v1/feed/block/type/ipv4ext/age/1y/output/txt",
			want: []string{"45.77.16.40\r\n"}, wantNot: []string{"0.0.0.0", "10.0.0.0/8", "172.16."}, dropped: "guard: min_prefix=2"},
		{name: "ipv4ext: a refused net counts once, not per address", path: "/v1/feed/block/type/ipv4ext/age/1y/output/txt",
			wantNot: []string{"172.16.0.1\r\n"}, dropped: "guard: reserved=2"},
		{name: "edl: no 0.0.0.0/0", path: "/v1/feed/block/type/ipv4ext/age/1y/output/edl",
			want: []string{"45.77.16.40"}, wantNot: []string{"0.0.0.0"}},
		{name: "ipv6: bracketed with port is the address; ::/0 kept out", path: "/v1/feed/block/type/ipv6/age/1y/output/txt",
			want: []string{"2001:db8::1\r\n", "\r\n2a03:b0c0::1"}, wantNot: []string{"::/0", "2001:db8::1:443"}, dropped: "guard: min_prefix=1"},
		{name: "hostname with port", path: "/v1/feed/block/type/hostname/age/1y/output/txt", want: []string{"host.evil-example.xyz"}},
		{name: "wildcard domain in rpz", path: "/v1/feed/block/type/domain/age/1y/output/rpz",
			want: []string{"\nwild.evil-example.xyz CNAME .", "\n*.wild.evil-example.xyz CNAME .", "\nhost.evil-example.xyz CNAME ."}},
		{name: "a public suffix in no list", path: "/v1/feed/block/type/domain/age/1y/output/unbound",
			want: []string{`local-zone: "bad.co.uk." always_nxdomain`}, wantNot: []string{`"co.uk."`}, dropped: "guard: public_suffix=1"},
		{name: "wildcard domain in txt", path: "/v1/feed/block/type/domain/age/1y/output/txt", want: []string{"wild.evil-example.xyz"}, wantNot: []string{"*."}},
		{name: "snort: alert only", path: "/v1/feed/block/type/snort/age/1y/output/suricata",
			want: []string{"sid:3000001"}, wantNot: []string{"pass ip", "drop ip"}, dropped: "guard: snort_action=2"},
		{name: "feed 42 does not enforce warninglists", path: "/v1/feed/42/type/ipv4/age/1y/output/txt", want: []string{"8.8.4.4", "8.8.8.8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.authed(tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if tt.exactish != "" && body != tt.exactish {
				t.Errorf("body\n%q\nwant\n%q", body, tt.exactish)
			}
			checkContains(t, "body", body, tt.want, tt.wantNot)
			if d := resp.Header.Get("X-Cratos-Dropped"); !strings.Contains(d, tt.dropped) {
				t.Errorf("X-Cratos-Dropped = %q, want it to hold %q", d, tt.dropped)
			}
		})
	}
}

// cutProxy stands in front of the emulator; while cut is above 1, every
// restSearch answer keeps only every cut-th attribute (a MISP whose tag
// was mostly removed); below 0, none (a broken tag).
func cutProxy(t *testing.T, sim *mispsim.Server, cut *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(cut.Load())
		if r.URL.Path != "/attributes/restSearch" || n == 0 {
			sim.ServeHTTP(w, r)
			return
		}
		misptest.ServeFiltered(w, r, sim, func(attrs []json.RawMessage) []json.RawMessage {
			var kept []json.RawMessage
			for i, a := range attrs {
				if n > 0 && i%n == 0 {
					kept = append(kept, a)
				}
			}
			return kept
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// cutHarness returns a harness whose MISP holds one published "block"
// event of 1000 IPv4 addresses and is reached through cutProxy, the
// proxy's cut, and a token for a MISP at the proxy.
func cutHarness(t *testing.T, opts ...harnessOption) (*harness, *atomic.Int32, string) {
	h := newHarness(t, opts...)
	var attrs []mispsim.Attribute
	for i := range 1000 {
		attrs = append(attrs, mispsim.Attribute{Type: "ip-dst", Value: fmt.Sprintf("45.%d.%d.1", 10+i/200, i%200), ToIDS: true})
	}
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "many", Published: true, Tags: []string{"example:incident-classification=block"}, Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	cut := new(atomic.Int32)
	proxyURL := cutProxy(t, h.sim, cut)
	cl := h.claims
	fmt.Sscanf(proxyURL[strings.LastIndexByte(proxyURL, ':')+1:], "%d", &cl.Port)
	return h, cut, h.mint(cl)
}

func TestCircuitBreakerTenPercent(t *testing.T) {
	h, cut, token := cutHarness(t)
	const path = "/v1/feed/block/type/ipv4/age/1y/output/txt"
	get := func() (*http.Response, string) {
		t.Helper()
		h.sim.ResetRequests()
		resp, body := h.get(path, "token", token)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		return resp, body
	}
	clearCache := func() {
		t.Helper()
		if resp, body := h.do("DELETE", "/v1/clear_cache/feed/block/type/ipv4/age/1y/output/txt", "token", token); resp.StatusCode != 200 {
			t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
		}
	}
	first, good := get()
	if n := strings.Count(good, "\n") + 1; n != 1006 || first.Header.Get("X-Cratos-Held") != "" {
		t.Fatalf("first list: %d lines, held %q", n, first.Header.Get("X-Cratos-Held"))
	}

	// MISP suddenly answers a tenth of the data: the last good list is
	// served, said to be held, and counted.
	cut.Store(10)
	clearCache()
	resp, body := get()
	if len(h.sim.Requests()) == 0 {
		t.Fatal("the rebuild did not ask MISP")
	}
	if body != good || resp.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Errorf("a held list changed the answer: %d bytes, want %d", len(body), len(good))
	}
	held := resp.Header.Get("X-Cratos-Held")
	if !strings.Contains(held, "reason=the rebuilt list has 101 entries, 89% fewer than the last good one (1006)") {
		t.Errorf("X-Cratos-Held = %q", held)
	}
	if len(h.logs.Records("list held: serving the last good list")) != 1 {
		t.Error("no log line for the hold")
	}
	_, metrics := h.get("/metrics")
	if !strings.Contains(metrics, `cratos_list_held{feed="block",output="txt",site="127.0.0.1",type="ipv4"} 1`) {
		t.Error("/metrics lacks the held list")
	}
	// The detail of /v1/status is for admin tokens.
	h.setAdmins(auth.Fingerprint(token))
	_, status := h.get("/v1/status?sites=0", "token", token)
	h.setAdmins()
	var st struct {
		Held []struct {
			ID, Site, Feed, Type, Output, Reason string
			Previous                             int `json:"previous_entries"`
			Current                              int `json:"rebuilt_entries"`
		} `json:"held"`
	}
	if err := json.Unmarshal([]byte(status), &st); err != nil || len(st.Held) != 1 || st.Held[0].Previous != 1006 || st.Held[0].Current != 101 || st.Held[0].Feed != "block" {
		t.Fatalf("/v1/status held = %+v (%v): %s", st.Held, err, status)
	}
	// A cache hit still says it is held.
	if resp, _ := h.get(path, "token", token); resp.Header.Get("X-Cratos-Held") == "" || resp.Header.Get("X-Cache") != "HIT" {
		t.Errorf("hit: X-Cache %q, X-Cratos-Held %q", resp.Header.Get("X-Cache"), resp.Header.Get("X-Cratos-Held"))
	}

	// Only an admin token releases; then the small list is served.
	if resp, body := h.do("POST", "/v1/holds/release", "token", token); resp.StatusCode != 403 {
		t.Errorf("release by a non-admin token: %d %s", resp.StatusCode, body)
	}
	h.setAdmins(auth.Fingerprint(token))
	// A browser's request from another site's page (Basic credentials it
	// keeps) releases nothing.
	if resp, body := h.do("POST", "/v1/holds/release", "token", token, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 {
		t.Errorf("release from another site's page: %d %s", resp.StatusCode, body)
	}
	if resp, body := h.do("POST", "/v1/holds/release?id=zz", "token", token); resp.StatusCode != 422 {
		t.Errorf("release with a bad id: %d %s", resp.StatusCode, body)
	}
	if resp, body := h.do("POST", "/v1/holds/release?id="+st.Held[0].ID, "token", token); resp.StatusCode != 200 || !strings.Contains(body, `"released":[{"id":"`+st.Held[0].ID) {
		t.Fatalf("release: %d %s", resp.StatusCode, body)
	}
	resp, body = get()
	if n := strings.Count(body, "\n") + 1; n != 101 || resp.Header.Get("X-Cratos-Held") != "" {
		t.Errorf("after release: %d lines, held %q", n, resp.Header.Get("X-Cratos-Held"))
	}
	if resp, body := h.do("POST", "/v1/holds/release", "token", token); resp.StatusCode != 404 {
		t.Errorf("second release: %d %s", resp.StatusCode, body)
	}

	// MISP answering nothing at all empties no list.
	cut.Store(0)
	clearCache()
	if _, body := get(); strings.Count(body, "\n")+1 != 1006 {
		t.Fatal("the full list did not come back")
	}
	cut.Store(-1)
	clearCache()
	resp, body = get()
	if strings.Count(body, "\n")+1 != 1006 || !strings.Contains(resp.Header.Get("X-Cratos-Held"), "reason=the rebuilt list is empty") {
		t.Errorf("an empty rebuild: %d bytes, held %q", len(body), resp.Header.Get("X-Cratos-Held"))
	}
}

func TestLookup(t *testing.T) {
	h := newHarness(t)
	addGuardEvent(t, h.sim)
	type verdict struct {
		Feed     string `json:"feed"`
		DataType string `json:"data_type"`
		Carried  bool   `json:"carried"`
		As       string `json:"as"`
		KeptOut  *struct {
			Rule, Detail string
		} `json:"kept_out"`
		Source *struct {
			AttributeUUID string `json:"attribute_uuid"`
		} `json:"source"`
	}
	type result struct {
		Canonical []struct{ Type, Value string } `json:"canonical"`
		Lists     []verdict                      `json:"lists"`
		Sources   []struct {
			EventID       string   `json:"event_id"`
			EventUUID     string   `json:"event_uuid"`
			AttributeUUID string   `json:"attribute_uuid"`
			Value         string   `json:"value"`
			Tags          []string `json:"tags"`
			ToIDS         bool     `json:"to_ids"`
			Timestamp     int64    `json:"timestamp"`
		} `json:"sources"`
		SourcesError string `json:"sources_error"`
	}
	lookup := func(v string) result {
		t.Helper()
		resp, body := h.authed("/v1/lookup?value=" + url.QueryEscape(v))
		if resp.StatusCode != 200 {
			t.Fatalf("lookup %q: %d %s", v, resp.StatusCode, body)
		}
		var r result
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if r.SourcesError != "" {
			t.Errorf("sources_error %s", r.SourcesError)
		}
		return r
	}
	list := func(r result, feed, dt string) verdict {
		t.Helper()
		for _, l := range r.Lists {
			if l.Feed == feed && l.DataType == dt {
				return l
			}
		}
		t.Fatalf("no %s/%s in %+v", feed, dt, r.Lists)
		return verdict{}
	}

	// A public resolver MISP missed because of spaces: the guard keeps it
	// out of block and says which warninglist; feed 42 carries it.
	r := lookup("8[.]8[.]4[.]4")
	if len(r.Canonical) != 1 || r.Canonical[0].Type != "ipv4" || r.Canonical[0].Value != "8.8.4.4" {
		t.Errorf("canonical %+v", r.Canonical)
	}
	if l := list(r, "block", "ipv4"); l.Carried || l.KeptOut == nil || l.KeptOut.Rule != "warninglist" ||
		l.KeptOut.Detail != "warninglist 1 List of known IPv4 public DNS resolvers" || l.Source == nil || l.Source.AttributeUUID == "" {
		t.Errorf("block/ipv4 = %+v", l)
	}
	if l := list(r, "42", "ipv4"); !l.Carried {
		t.Errorf("42/ipv4 = %+v", l)
	}
	if len(r.Sources) != 1 || r.Sources[0].Value != " 8.8.4.4 " || r.Sources[0].EventUUID == "" || r.Sources[0].AttributeUUID == "" ||
		!r.Sources[0].ToIDS || r.Sources[0].Timestamp == 0 || r.Sources[0].EventID == "" {
		t.Errorf("sources %+v", r.Sources)
	}

	// An address MISP holds with a port.
	r = lookup("45.77.16.40")
	if l := list(r, "block", "ipv4"); !l.Carried || l.KeptOut != nil {
		t.Errorf("block/ipv4 = %+v", l)
	}
	if len(r.Sources) != 1 || r.Sources[0].Value != "45.77.16.40:8080" {
		t.Errorf("sources %+v", r.Sources)
	}

	// The whole Internet: MISP has it, no list carries it.
	r = lookup("0.0.0.0/0")
	if l := list(r, "block", "ipv4ext"); l.Carried || l.KeptOut == nil || l.KeptOut.Rule != "min_prefix" {
		t.Errorf("block/ipv4ext = %+v", l)
	}
	// An address expanded from a net, and one inside a net the guard
	// keeps out.
	r = lookup("203.0.113.10")
	if l := list(r, "block", "ipv4ext"); !l.Carried {
		t.Errorf("block/ipv4ext = %+v", l)
	}
	r = lookup("10.1.2.3")
	if l := list(r, "block", "ipv4ext"); l.Carried || l.As != "10.0.0.0/8" || l.KeptOut == nil || l.KeptOut.Rule != "reserved" {
		t.Errorf("block/ipv4ext = %+v", l)
	}
	// A name reads as a domain and a hostname.
	r = lookup("*.wild.evil-example.xyz")
	if l := list(r, "block", "domain"); !l.Carried {
		t.Errorf("block/domain = %+v", l)
	}
	if len(r.Sources) != 1 || r.Sources[0].Value != "*.wild.evil-example.xyz" {
		t.Errorf("sources %+v", r.Sources)
	}

	for _, bad := range []string{"", "not a value at all", strings.Repeat("a", 3000)} {
		if resp, body := h.authed("/v1/lookup?value=" + url.QueryEscape(bad)); resp.StatusCode != 422 {
			t.Errorf("lookup %.20q: %d %s", bad, resp.StatusCode, body)
		}
	}
	if resp, _ := h.get("/v1/lookup?value=8.8.4.4"); resp.StatusCode != 401 && resp.StatusCode != 403 {
		t.Errorf("lookup without a token: %d", resp.StatusCode)
	}
}
