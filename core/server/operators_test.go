package server_test

import (
	"crypto/md5"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
)

// proxyWarning is what /v1/status says of a proxy whose clients Cratos
// cannot tell.
type proxyWarning struct {
	Peer     string `json:"peer"`
	Header   string `json:"header"`
	Requests int    `json:"requests"`
	Warning  string `json:"warning"`
}

// The set-up: a site allowing only 192.0.2.0/24, loopback in
// allways_allowed_ips, no trusted_proxies, nginx forwarding a client at
// 203.0.113.77. Cratos cannot tell the client, so the request passes as
// 127.0.0.1; it must say so loudly, in the log and in /v1/status.
func TestUntrustedProxyWarning(t *testing.T) {
	h := newHarness(t, asAdmin(), withSite(func(s *config.Site) {
		s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")}
	}))
	_, body := h.authed("/v1/status?sites=0")
	if strings.Contains(body, "untrusted_proxy") {
		t.Fatalf("status warns before any forwarded request: %s", body)
	}
	for range 3 {
		h.authed("/v1/feed/block/type/ipv4/age/1y/output/txt", "X-Forwarded-For", "203.0.113.77")
	}
	_, body = h.authed("/v1/status?sites=0")
	var st struct {
		Untrusted proxyWarning `json:"untrusted_proxy"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if st.Untrusted.Peer != "127.0.0.1" || st.Untrusted.Header != "X-Forwarded-For" || st.Untrusted.Requests != 3 || !strings.Contains(st.Untrusted.Warning, "trusted_proxies") {
		t.Errorf("status untrusted_proxy = %+v (body %s)", st.Untrusted, body)
	}
	logs := h.logs.String()
	if n := strings.Count(logs, "UNTRUSTED REVERSE PROXY"); n != 1 {
		t.Errorf("warning logged %d times, want once (then at most every 10 minutes):\n%s", n, logs)
	}
	if !strings.Contains(logs, `"peer":"127.0.0.1"`) || strings.Contains(logs, "203.0.113.77\",\"header") {
		t.Errorf("log line does not name the proxy's address:\n%s", logs)
	}
}

// With the proxy listed in trusted_proxies the forwarded client is the
// one checked, and nothing is reported.
func TestTrustedProxyNoWarning(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) {
		s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")}
	}), withConfig(func(c *config.Config) {
		c.TrustedProxies = config.Prefixes{mustPrefix(t, "127.0.0.1/32")}
	}))
	resp, _ := h.authed("/v1/feed/block/type/ipv4/age/1y/output/txt", "X-Forwarded-For", "203.0.113.77")
	if resp.StatusCode != 403 {
		t.Errorf("forwarded client outside the allow-list: status %d, want 403", resp.StatusCode)
	}
	resp, _ = h.authed("/v1/feed/block/type/ipv4/age/1y/output/txt", "X-Forwarded-For", "192.0.2.10")
	if resp.StatusCode != 200 {
		t.Errorf("forwarded client inside the allow-list: status %d, want 200", resp.StatusCode)
	}
	if _, body := h.get("/v1/status?sites=0"); strings.Contains(body, "untrusted_proxy") {
		t.Errorf("status warns with the proxy trusted: %s", body)
	}
}

// A trusted proxy that sends another forwarding header than the one the
// client is read from (nginx's X-Real-IP, reverse_proxy_header left at
// X-Forwarded-For) names a client Cratos cannot tell: each such request is
// refused (400), not served as from the proxy, whose address an
// allow-list may hold, and this is said loudly, in the log and in
// /v1/status (the list shortcut leaves them to the route).
func TestTrustedProxyWithoutItsHeader(t *testing.T) {
	h := newHarness(t, asAdmin(), withSite(func(s *config.Site) {
		s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")}
	}), withConfig(func(c *config.Config) {
		c.TrustedProxies = config.Prefixes{mustPrefix(t, "127.0.0.1/32")}
	}))
	const list = "/v1/feed/block/type/ipv4/age/1y/output/txt"
	h.authed(list, "X-Forwarded-For", "192.0.2.10")
	if _, body := h.authed("/v1/status?sites=0"); strings.Contains(body, "proxy_header_missing") {
		t.Fatalf("status warns with the header sent: %s", body)
	}
	for range 3 {
		resp, body := h.authed(list, "X-Real-IP", "203.0.113.77")
		if resp.StatusCode != 400 || !strings.Contains(body, "with X-Real-IP but not X-Forwarded-For") {
			t.Fatalf("a request its trusted proxy forwarded without X-Forwarded-For: %d %s, want 400 naming both headers", resp.StatusCode, body)
		}
	}
	_, body := h.authed("/v1/status?sites=0")
	var st struct {
		Missing proxyWarning `json:"proxy_header_missing"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if st.Missing.Peer != "127.0.0.1" || st.Missing.Header != "X-Real-IP" || st.Missing.Requests != 3 || !strings.Contains(st.Missing.Warning, "X-Forwarded-For") {
		t.Errorf("status proxy_header_missing = %+v (body %s)", st.Missing, body)
	}
	if strings.Contains(body, "untrusted_proxy") {
		t.Errorf("a trusted proxy reported as untrusted: %s", body)
	}
	if n := strings.Count(h.logs.String(), "REVERSE PROXY HEADER NOT SENT"); n != 1 {
		t.Errorf("warning logged %d times, want once:\n%s", n, h.logs.String())
	}
}

// Each refusal's access log line says why, never with the token.
func TestRefusalReasonsLogged(t *testing.T) {
	h := newHarness(t, withConfig(func(c *config.Config) { c.AlwaysAllowedIPs = nil }),
		withSite(func(s *config.Site) { s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")} }))
	other := h.claims
	other.Host = "nowhere.example"
	tests := []struct {
		name, token, want string
	}{
		{"no token", "", `"reason":"no token"`},
		{"unknown site", h.mint(other), `"reason":"unknown site nowhere.example (no sites/nowhere.example.yaml)"`},
		{"address not allowed", h.token, `"reason":"address 127.0.0.1 not allowed for site ` + h.site.Name + `"`},
		{"garbage token", "gAAAAAgarbage", `"reason":"token not valid: `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.logs.String())
			resp, _ := h.get(feedPath, "token", tc.token)
			if resp.StatusCode != 403 {
				t.Fatalf("status %d, want 403", resp.StatusCode)
			}
			var logs string
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) {
				if logs = h.logs.String()[before:]; strings.Contains(logs, `"status":403`) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(logs, tc.want) {
				t.Errorf("access log lacks %s:\n%s", tc.want, logs)
			}
			if tc.token != "" && strings.Contains(logs, tc.token) {
				t.Error("the access log holds the token")
			}
		})
	}
}

// Warninglist XML and YAML bytes as the original's dicttoxml and PyYAML
// write them.
func TestWarninglistBytesAsOriginal(t *testing.T) {
	h := newHarness(t)
	id, err := h.sim.AddWarninglist(mispsim.Warninglist{Name: "Bytes list", Type: "cidr", Description: "it's <d>", Version: 2, Category: "false-positive",
		List: []string{"o'brien.example", "2001:218:3004::/48", "a&b", "2001:218:3004::/48"}})
	if err != nil {
		t.Fatal(err)
	}
	base := "/v1/warninglist/id/" + strconv.FormatInt(id, 10) + "/output/"
	_, idx := h.authed("/v1/warninglist/id/0/output/xml")
	for _, want := range []string{"<enabled>true</enabled>", "<description>it&apos;s &lt;d&gt;</description>"} {
		if !strings.Contains(idx, want) {
			t.Errorf("index xml lacks %s:\n%s", want, idx)
		}
	}
	if strings.Contains(idx, "True") || strings.Contains(idx, "&#39;") {
		t.Errorf("index xml has Python's True or a numeric entity:\n%s", idx)
	}
	_, view := h.authed(base + "xml")
	for _, want := range []string{"<comment></comment>", "<value>o&apos;brien.example</value>", "<value>a&amp;b</value>"} {
		if !strings.Contains(view, want) {
			t.Errorf("view xml lacks %s:\n%s", want, view)
		}
	}
	if strings.Contains(view, "None") {
		t.Errorf("view xml has Python's None:\n%s", view)
	}
	if _, y := h.authed(base + "yaml"); y != "---\n- 2001:218:3004::/48\n- a&b\n- o'brien.example\n" {
		t.Errorf("view yaml %q", y)
	}
	_, iy := h.authed("/v1/warninglist/id/0/output/yaml")
	for _, want := range []string{"  description: it's <d>\n", "  name: Bytes list\n", "  enabled: true\n"} {
		if !strings.Contains(iy, want) {
			t.Errorf("index yaml lacks %q:\n%s", want, iy)
		}
	}
}

// HEAD works on every GET route; other methods get 405 with Allow; a
// trailing slash is a 307 to the path without it; paths are
// case-sensitive.
func TestMethodsSlashesAndCase(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		method, path string
		status       int
		allow, loc   string
	}{
		{"HEAD", "/v1/status?sites=0", 200, "", ""},
		{"HEAD", feedPath, 403, "", ""}, // no token: authentication still applies
		{"POST", "/v1/status", 405, "GET, HEAD", ""},
		{"PUT", feedPath, 405, "GET, HEAD", ""},
		{"DELETE", "/v1/renderers", 405, "GET, HEAD", ""},
		{"GET", "/v1/generate_token_json", 405, "POST", ""},
		{"GET", "/v1/status/", 307, "", "/v1/status"},
		{"GET", "/v1/status/?sites=0", 307, "", "/v1/status?sites=0"},
		{"GET", feedPath + "/", 307, "", feedPath},
		{"GET", "/V1/status", 404, "", ""},
		{"GET", "/v1/nothing", 404, "", ""},
	}
	for _, tc := range tests {
		resp, body := h.do(tc.method, tc.path)
		if resp.StatusCode != tc.status || resp.Header.Get("Allow") != tc.allow || resp.Header.Get("Location") != tc.loc {
			t.Errorf("%s %s: %d Allow %q Location %q (%s); want %d %q %q", tc.method, tc.path, resp.StatusCode,
				resp.Header.Get("Allow"), resp.Header.Get("Location"), body, tc.status, tc.allow, tc.loc)
		}
		if tc.method == "HEAD" && body != "" {
			t.Errorf("HEAD %s sent a body: %q", tc.path, body)
		}
	}
	// HEAD of a list: the GET's headers, no body.
	get, gbody := h.authed(feedPath)
	head, hbody := h.do("HEAD", feedPath, "token", h.token)
	if head.StatusCode != 200 || hbody != "" || head.Header.Get("ETag") != get.Header.Get("ETag") || head.Header.Get("Content-Length") != strconv.Itoa(len(gbody)) {
		t.Errorf("HEAD list: %d, body %q, ETag %q vs %q, length %q vs %d", head.StatusCode, hbody, head.Header.Get("ETag"), get.Header.Get("ETag"), head.Header.Get("Content-Length"), len(gbody))
	}

}

// <list URL>.md5 works on vendor routes too: the MD5 of the list's bytes.
func TestVendorChecksumURL(t *testing.T) {
	h := newHarness(t)
	for _, vendor := range []string{"paloalto", "cisco"} {
		base := "/v1/vendor/" + vendor + "/feed/block/type/ipv4/age/1y"
		resp, list := h.authed(base)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", base, resp.StatusCode)
		}
		resp, sum := h.authed(base + ".md5")
		if want := fmt.Sprintf("%x", md5.Sum([]byte(list))); resp.StatusCode != 200 || sum != want {
			t.Errorf("%s.md5: %d %q, want %s", base, resp.StatusCode, sum, want)
		}
	}
	if resp, _ := h.authed("/v1/vendor/cisco/feed/block/type/ipv4/age/1y.sha1"); resp.StatusCode != 422 {
		t.Errorf("other suffix: %d, want 422", resp.StatusCode)
	}
}

// EDL URL lists leave URLs with a port out by default and say so in
// X-Cratos-Dropped; X-Cratos-Entries counts what the renderer was given.
// url_ports: strip keeps them without the port.
func TestEDLPortURLsReported(t *testing.T) {
	for _, tc := range []struct {
		opt, body, dropped string
	}{
		{"", "plain.example/y\n", "edl URL with a port=1"},
		{"strip", "plain.example/y\nported.example/x\n", ""},
	} {
		h := newHarness(t, withSite(func(s *config.Site) {
			if tc.opt != "" {
				s.Renderers = map[string]map[string]string{"edl": {"url_ports": tc.opt}}
			}
		}))
		if _, err := h.sim.AddEvent(mispsim.Event{Info: "urls", Published: true, Tags: []string{"example:incident-classification=alert"},
			Attributes: []mispsim.Attribute{{Type: "url", Value: "http://ported.example:8080/x", ToIDS: true}, {Type: "url", Value: "https://plain.example/y", ToIDS: true}}}); err != nil {
			t.Fatal(err)
		}
		resp, body := h.authed("/v1/feed/alert/type/url/age/1y/output/edl")
		if resp.StatusCode != 200 || body != tc.body || resp.Header.Get("X-Cratos-Entries") != "2" || resp.Header.Get("X-Cratos-Dropped") != tc.dropped {
			t.Errorf("url_ports %q: %d %q, entries %q, dropped %q; want %q, 2, %q", tc.opt, resp.StatusCode, body,
				resp.Header.Get("X-Cratos-Entries"), resp.Header.Get("X-Cratos-Dropped"), tc.body, tc.dropped)
		}
	}
}

// ?cache=N also bounds the age of a list: a list cached with a longer
// lifetime is rebuilt for a request with a shorter one once it is older
// than that (served meanwhile as REVALIDATING); a request with a longer N
// still gets the cached list.
func TestCacheParameterBoundsAge(t *testing.T) {
	h := newHarness(t)
	long := feedPath + "?cache=3600"
	resp, before := h.authed(long)
	if resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("first: %d %s", resp.StatusCode, resp.Header.Get("X-Cache"))
	}
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "new", Published: true, Tags: []string{"example:incident-classification=block"},
		Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "192.0.2.201", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	if resp, body := h.authed(long); resp.Header.Get("X-Cache") != "HIT" || body != before {
		t.Fatalf("cache=3600 again: %s, changed %v; want the cached list", resp.Header.Get("X-Cache"), body != before)
	}
	deadline := time.Now().Add(30 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		resp, body := h.authed(feedPath + "?cache=1")
		if body != before {
			got = body
			break
		}
		if xc := resp.Header.Get("X-Cache"); xc != "HIT" && xc != "REVALIDATING" {
			t.Fatalf("cache=1 got the old list as %s", xc)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(got, "192.0.2.201") {
		t.Fatalf("cache=1 never rebuilt the list with MISP's new value: %q", got)
	}
	// The rebuilt list is what the long-lived requests now get.
	if resp, body := h.authed(long); resp.Header.Get("X-Cache") != "HIT" || !strings.Contains(body, "192.0.2.201") {
		t.Errorf("cache=3600 after the rebuild: %s %q", resp.Header.Get("X-Cache"), body)
	}
}
