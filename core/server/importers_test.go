package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
)

// listedRenderer is an entry of /v1/renderers.
type listedRenderer struct {
	Name        string         `json:"name"`
	ContentType string         `json:"content_type"`
	Extension   string         `json:"extension"`
	DataTypes   []string       `json:"data_types"`
	Options     []listedOption `json:"options"`
}

type listedOption struct {
	Name    string `json:"name"`
	Default string `json:"default"`
}

// TestRenderersListsImportFormats checks that /v1/renderers lists the
// renderers for commercial platforms' indicator imports with their media
// types, indicator kinds and options.
func TestRenderersListsImportFormats(t *testing.T) {
	h := newHarness(t)
	resp, body := h.get("/v1/renderers")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got struct {
		Renderers []listedRenderer `json:"renderers"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, contentType, ext, dataType, option, optDefault string
	}{
		{"checkpoint", "text/csv; charset=utf-8; header=present", ".csv", "url", "confidence", "high"},
		{"defender", "text/csv; charset=utf-8; header=present", ".csv", "file-sha256", "max_entries", "500"},
		{"elastic", "application/x-ndjson", ".ndjson", "imphash", "tlp", "none"},
		{"f5", "text/plain; charset=utf-8", ".txt", "cidr4", "list_type", "bl"},
		{"junos", "text/plain; charset=utf-8", ".txt", "ipv6", "ipv6", "true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := slices.IndexFunc(got.Renderers, func(r listedRenderer) bool { return r.Name == tt.name })
			if i < 0 {
				t.Fatalf("/v1/renderers does not list %s", tt.name)
			}
			r := got.Renderers[i]
			if r.ContentType != tt.contentType || r.Extension != tt.ext {
				t.Errorf("content type %q, extension %q; want %q, %q", r.ContentType, r.Extension, tt.contentType, tt.ext)
			}
			if !slices.Contains(r.DataTypes, tt.dataType) {
				t.Errorf("data types %v lack %s", r.DataTypes, tt.dataType)
			}
			if !slices.ContainsFunc(r.Options, func(o listedOption) bool { return o.Name == tt.option && o.Default == tt.optDefault }) {
				t.Errorf("options %v lack %s=%s", r.Options, tt.option, tt.optDefault)
			}
		})
	}
}

// TestImportFormatsThroughServer fetches the fixture's IPv6 address and
// IPv6 net in each import format: the body passes the format's checker,
// X-Cratos-Entries counts both indicators and X-Cratos-Dropped what the
// format left out, and the entries written are the difference.
func TestImportFormatsThroughServer(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		output  string
		written int
		dropped string
		check   func([]byte) []devicecheck.Violation
		records func(string) int
	}{
		{"checkpoint", 0, "checkpoint IPv6 (the feed takes IPv4 only)=2",
			func(b []byte) []devicecheck.Violation {
				return devicecheck.CheckCheckPoint(b, devicecheck.CheckPointLimits{})
			}, func(s string) int { return strings.Count(s, "\n") - 1 }},
		{"defender", 1, "defender CIDR (indicators take single addresses)=1",
			devicecheck.CheckDefender, func(s string) int { return strings.Count(s, "\r\n") - 1 }},
		{"elastic", 1, "elastic CIDR (threat.indicator.ip holds one address)=1",
			devicecheck.CheckElastic, func(s string) int { return strings.Count(s, "\n") }},
		{"f5", 2, "",
			func(b []byte) []devicecheck.Violation { return devicecheck.CheckF5(b, devicecheck.F5Limits{}) },
			func(s string) int { return strings.Count(s, "\n") }},
		{"junos", 2, "",
			func(b []byte) []devicecheck.Violation { return devicecheck.CheckJunos(b, devicecheck.JunosLimits{}) },
			func(s string) int { return strings.Count(s, "\n") }},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			resp, body := h.authed("/v1/feed/block/type/ipv6/age/1y/output/" + tt.output)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("X-Cratos-Entries"); got != "2" {
				t.Errorf("X-Cratos-Entries = %q, want 2", got)
			}
			if got := resp.Header.Get("X-Cratos-Dropped"); got != tt.dropped {
				t.Errorf("X-Cratos-Dropped = %q, want %q", got, tt.dropped)
			}
			if vs := tt.check([]byte(body)); len(vs) > 0 {
				t.Errorf("%v\n%s", devicecheck.Error(vs, 10), body)
			}
			if n := tt.records(body); n != tt.written {
				t.Errorf("%d entries written, want %d:\n%s", n, tt.written, body)
			}
		})
	}
}
