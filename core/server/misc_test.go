package server_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
)

// The original's own suite: root, favicon, status, token form, token JSON
// and openapi.
func TestPeerMiscRoutes(t *testing.T) {
	h := newHarness(t, withConfig(func(c *config.Config) { c.TokenMinting = config.MintOpen }))
	resp, body := h.get("/")
	var root map[string]any
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &root) != nil {
		t.Fatalf("/: %d %s", resp.StatusCode, body)
	}
	for _, k := range []string{"message", "IP", "User-Agent", "timestamp", "date_time", "repository"} {
		if _, ok := root[k]; !ok {
			t.Errorf("/ lacks %q: %s", k, body)
		}
	}
	if root["IP"] != "127.0.0.1" {
		t.Errorf("IP %v", root["IP"])
	}
	if resp, body := h.get("/favicon.ico"); resp.StatusCode != 200 || len(body) == 0 || resp.Header.Get("Content-Type") != "image/x-icon" {
		t.Errorf("/favicon.ico: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, body := h.get("/robots.txt"); resp.StatusCode != 200 || body != "User-agent: *\nDisallow: /" {
		t.Errorf("/robots.txt: %d %q", resp.StatusCode, body)
	}
	resp, body = h.get("/v1/status")
	var st map[string]any
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &st) != nil || st["ping"] != "pong" || st["memcachedstatus"] != "OK" {
		t.Errorf("/v1/status: %d %s", resp.StatusCode, body)
	}
	resp, body = h.get("/v1/generate_token_form")
	if resp.StatusCode != 200 || !strings.Contains(body, `<form method="post"`) {
		t.Errorf("token form: %d", resp.StatusCode)
	}
	for _, hd := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Strict-Transport-Security"} {
		if resp.Header.Get(hd) == "" {
			t.Errorf("token form lacks %s", hd)
		}
	}
	req := `{"proto":"https","port":"443","domain":"demo.example.net","auth":"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD","expire":"2030-12-12"}`
	resp, body = h.post("/v1/generate_token_json", "application/json", req)
	var minted struct{ MISP, Validity, Token string }
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &minted) != nil {
		t.Fatalf("token json: %d %s", resp.StatusCode, body)
	}
	if minted.MISP != "https://demo.example.net:443/" || minted.Validity != "2030-12-12" {
		t.Errorf("token json: %+v", minted)
	}
	cl, err := codec.Verify(minted.Token, h.now())
	if err != nil || cl.Host != "demo.example.net" || cl.Key != "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD" {
		t.Errorf("minted token does not verify: %v %v", cl, err)
	}
	if resp, _ := h.get("/v1/openapi.json"); resp.StatusCode != 200 {
		t.Errorf("openapi: %d", resp.StatusCode)
	}
}

func TestMint(t *testing.T) {
	tests := []struct {
		name, mode, body string
		status           int
		contains         string
	}{
		{"port 8443 and a hyphenated host", config.MintOpen, `{"domain":"misp-prod.example.net","port":8443,"auth":"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD","expire":"2030-01-01"}`, 200, `"MISP":"https://misp-prod.example.net:8443/"`},
		{"bracketed IPv6", config.MintOpen, `{"domain":"[2001:db8::1]","port":443,"auth":"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD","expire":"2030-01-01"}`, 200, `"MISP":"https://[2001:db8::1]:443/"`},
		{"port out of range is a 422 with the reason", config.MintOpen, `{"port":70000}`, 422, "port must be 1-65535"},
		{"bad key", config.MintOpen, `{"auth":"short"}`, 422, "key must be 40-72"},
		{"minting off", config.MintOff, `{}`, 403, "disabled"},
		{"allowlist admits loopback", config.MintAllowlist, `{"expire":"2030-01-01"}`, 200, `"token":"gAAAAA`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, withConfig(func(c *config.Config) { c.TokenMinting = tc.mode }))
			resp, body := h.post("/v1/generate_token_json", "application/json", tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
				t.Errorf("got %d %s, want %d containing %s", resp.StatusCode, body, tc.status, tc.contains)
			}
		})
	}
	t.Run("allowlist refuses others", func(t *testing.T) {
		h := newHarness(t, withConfig(func(c *config.Config) { c.AlwaysAllowedIPs = nil }))
		if resp, body := h.post("/v1/generate_token_json", "application/json", `{}`); resp.StatusCode != 403 {
			t.Errorf("got %d %s", resp.StatusCode, body)
		}
	})
	t.Run("form", func(t *testing.T) {
		h := newHarness(t)
		resp, body := h.post("/v1/generate_token_form", "application/x-www-form-urlencoded",
			"proto=https&domain=misp.example.net&port=443&auth=aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD&expire=2030-01-01")
		if resp.StatusCode != 200 || !regexp.MustCompile(`Authentication token: gAAAAA[A-Za-z0-9_=-]+`).MatchString(body) {
			t.Errorf("form mint: %d", resp.StatusCode)
		}
		resp, _ = h.post("/v1/generate_token_form", "application/x-www-form-urlencoded", "proto=https")
		if resp.StatusCode != 422 {
			t.Errorf("form with missing fields: %d, want 422", resp.StatusCode)
		}
	})
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	h := newHarness(t)
	_, body := h.get("/v1/openapi.json")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Info    map[string]any                       `json:"info"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" || doc.Info["title"] == nil || doc.Info["version"] == nil {
		t.Fatalf("not an OpenAPI 3 document: %s", body[:200])
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if _, ok := op["responses"]; !ok {
				t.Errorf("%s %s has no responses", method, path)
			}
			// Every documented path parameter is declared.
			for _, m := range regexp.MustCompile(`\{([A-Za-z]+)\}`).FindAllStringSubmatch(path, -1) {
				params, _ := op["parameters"].([]any)
				found := false
				for _, p := range params {
					if p.(map[string]any)["name"] == m[1] {
						found = true
					}
				}
				if !found {
					t.Errorf("%s %s does not declare {%s}", method, path, m[1])
				}
			}
			// The documented route is really served (not a 404).
			concrete := regexp.MustCompile(`\{[A-Za-z]+\}`).ReplaceAllString(path, "x")
			resp, _ := h.do(strings.ToUpper(method), concrete)
			if resp.StatusCode == 404 && !strings.Contains(path, "{") {
				t.Errorf("%s %s is documented but answers 404", method, path)
			}
		}
	}
	if len(doc.Paths) < 20 {
		t.Errorf("only %d paths documented", len(doc.Paths))
	}
	resp, page := h.get("/v1/help")
	if resp.StatusCode != 200 || !strings.Contains(page, "/v1/feed/{feedName}/type/{dataType}/age/{dataAge}/output/{output}") || strings.Contains(page, "http://") && strings.Contains(page, "<script src=\"http") {
		t.Errorf("help page: %d", resp.StatusCode)
	}
}

func TestMISPInfoRoutes(t *testing.T) {
	h := newHarness(t)
	if _, err := h.sim.AddWarninglist(mispsim.Warninglist{Name: "Test list", Type: "string", Description: "d", Version: 1, Category: "false-positive",
		MatchingAttributes: []string{"domain"}, List: []string{"b.example", "a.example", "b.example"}}); err != nil {
		t.Fatal(err)
	}
	resp, body := h.authed("/v1/check")
	var check map[string]any
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &check) != nil {
		t.Fatalf("check: %d %s", resp.StatusCode, body)
	}
	if content, _ := check["content"].(map[string]any); content["version"] != mispsim.Version || check["misp_host"] != h.claims.BaseURL() {
		t.Errorf("check body %s", body)
	}
	resp, body = h.authed("/v1/statistics")
	if resp.StatusCode != 200 || !strings.Contains(body, `"ip-dst":`) {
		t.Errorf("statistics: %d %s", resp.StatusCode, body)
	}
	resp, body = h.authed("/v1/feedmapping")
	want := "Feed name: \"incident\" is mapped to MISP tag: example:incident-classification=incident\r\n" +
		"Feed name: \"block\" is mapped to MISP tag: example:incident-classification=block\r\n" +
		"Feed name: \"alert\" is mapped to MISP tag: example:incident-classification=alert\r\n" +
		"Feed name: \"hunt\" is mapped to MISP tag: example:incident-classification=hunt\r\n" +
		"Feed name: \"cust1\" is mapped to MISP tag: example:incident-classification=cust1\r\n"
	if resp.StatusCode != 200 || body != want {
		t.Errorf("feedmapping:\n%q\nwant\n%q", body, want)
	}
	tests := []struct{ path, want string }{
		{"/v1/warninglist/id/1/output/txt", "b.example\r\na.example\r\nb.example\r\n"},
		{"/v1/warninglist/id/1/output/json", `["a.example", "b.example"]`},
		{"/v1/warninglist/id/1/output/yaml", "---\n- a.example\n- b.example\n"},
	}
	for _, tc := range tests {
		resp, body := h.authed(tc.path)
		if resp.StatusCode != 200 || body != tc.want {
			t.Errorf("%s: %d %q, want %q", tc.path, resp.StatusCode, body, tc.want)
		}
	}
	id, err := h.sim.AddWarninglist(mispsim.Warninglist{Name: "Split", Type: "string", Description: "d", Version: 1, Category: "false-positive",
		MatchingAttributes: []string{"domain"}, List: []string{"ok.example", "x.example\nevil.example"}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/v1/warninglist/id/" + strconv.FormatInt(id, 10) + "/output/txt"
	if resp, body := h.authed(path); resp.StatusCode != 200 || body != "ok.example\r\n" || resp.Header.Get("X-Cratos-Dropped") != "control character in a txt line=1" {
		t.Errorf("%s: %d %q, X-Cratos-Dropped %q", path, resp.StatusCode, body, resp.Header.Get("X-Cratos-Dropped"))
	}
	for _, p := range []string{"/v1/warninglist/id/0/output/txt", "/v1/warninglist/id/0/output/json", "/v1/warninglist/id/0/output/xml", "/v1/warninglist/id/0/output/yaml", "/v1/warninglist/id/1/output/xml"} {
		resp, body := h.authed(p)
		if resp.StatusCode != 200 || !strings.Contains(body, "example") && !strings.Contains(body, "Test list") {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
	if resp, body := h.authed("/v1/warninglist/id/999/output/txt"); resp.StatusCode != 502 || !strings.Contains(body, "404") {
		t.Errorf("unknown warninglist: %d %s, want 502 naming MISP's 404", resp.StatusCode, body)
	}
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 403})
	if resp, body := h.authed("/v1/check"); resp.StatusCode != 502 || strings.Contains(body, mispsim.DefaultKey) {
		t.Errorf("check with MISP refusing: %d %s", resp.StatusCode, body)
	}
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultHTML})
	if resp, _ := h.authed("/v1/check"); resp.StatusCode != 502 {
		t.Errorf("check with an HTML answer: %d", resp.StatusCode)
	}
	h.sim.Close()
	if resp, _ := h.authed("/v1/check"); resp.StatusCode != 503 {
		t.Errorf("check with MISP down: %d", resp.StatusCode)
	}
}

func TestMetricsAndAccessLog(t *testing.T) {
	h := newHarness(t)
	h.authed(feedPath)
	h.authed(feedPath)
	h.get(feedPath + "?token=" + h.token + "&x=1")
	h.get(feedPath, "token", "abc")
	resp, body := h.get("/metrics")
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`cratos_cache_results_total{status="HIT"} 2`,
		`cratos_cache_results_total{status="MISS"} 1`,
		`cratos_http_requests_total{output="txt",route="/v1/feed/:feedName/type/:dataType/age/:dataAge/output/:output",status="200"} 3`,
		`cratos_auth_failures_total{status="403"} 1`,
		`cratos_feed_entries{data_type="ipv4",feed="block",output="txt",site="127.0.0.1"} 6`,
		`cratos_feed_staleness_seconds{data_type="ipv4",feed="block",output="txt",site="127.0.0.1"}`,
		`cratos_misp_fetch_seconds_count{site="127.0.0.1"} 1`,
		`cratos_memory_budget_bytes{store="feed_snapshots"} 1.073741824e+09`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The list built and the feed snapshot it came from are held.
	for _, store := range []string{"lists", "list_snapshots", "feed_snapshots"} {
		m := regexp.MustCompile(`cratos_memory_held_bytes\{store="` + store + `"\} (\S+)\n`).FindStringSubmatch(body)
		if m == nil {
			t.Errorf("/metrics lacks cratos_memory_held_bytes of %s", store)
		} else if held, err := strconv.ParseFloat(m[1], 64); err != nil || held <= 0 {
			t.Errorf("/metrics: %s hold %s bytes, want some", store, m[1])
		}
	}
	logs := h.logs.String()
	for _, secret := range []string{h.token, mispsim.DefaultKey, h.token[:40]} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a log line holds a secret")
		}
	}
	if !strings.Contains(logs, `token=ANONYMIZED`) || !strings.Contains(logs, `"consumer":"`) || !strings.Contains(logs, `"cache":"HIT"`) {
		t.Errorf("access log lacks the expected fields:\n%s", logs)
	}
	blocked := newHarness(t, withConfig(func(c *config.Config) { c.AlwaysAllowedIPs = nil }))
	if resp, _ := blocked.get("/metrics"); resp.StatusCode != 403 {
		t.Errorf("/metrics from an address outside allways_allowed_ips: %d", resp.StatusCode)
	}
}

func TestStatusProbesSites(t *testing.T) {
	h := newHarness(t, asAdmin())
	h.authed(feedPath) // a successful build records the MISP URL to probe
	s, body := siteStatus(t, h)
	if s.MISP != "OK" || s.LastBuild == "" || !s.Enabled {
		t.Errorf("site status %+v in %s", s, body)
	}
	down := newHarness(t, asAdmin())
	down.authed(feedPath)
	down.sim.Close()
	_, body = down.authed("/v1/status")
	if !strings.Contains(body, `"misp":"FAIL"`) {
		t.Errorf("status with MISP down: %s", body)
	}
}
