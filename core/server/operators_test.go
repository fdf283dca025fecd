package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

// The set-up: a site allowing only 192.0.2.0/24, loopback in
// allways_allowed_ips, no trusted_proxies, nginx forwarding a client at
// 203.0.113.77. Cratos cannot tell the client, so the request passes as
// 127.0.0.1; it must say so loudly, in the log and in /v1/status.
func TestUntrustedProxyWarning(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) {
		s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")}
	}))
	_, body := h.get("/v1/status?sites=0")
	if strings.Contains(body, "untrusted_proxy") {
		t.Fatalf("status warns before any forwarded request: %s", body)
	}
	for range 3 {
		h.authed("/v1/feed/block/type/ipv4/age/1y/output/txt", "X-Forwarded-For", "203.0.113.77")
	}
	_, body = h.get("/v1/status?sites=0")
	var st struct {
		Untrusted struct {
			Peer     string `json:"peer"`
			Header   string `json:"header"`
			Requests int    `json:"requests"`
			Warning  string `json:"warning"`
		} `json:"untrusted_proxy"`
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
