package server_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/renderers"
)

// GET /v1/renderers lists every built-in renderer with its options.
func TestRenderersList(t *testing.T) {
	h := newHarness(t)
	var list struct {
		Renderers []struct {
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
			Options     []struct {
				Name string `json:"name"`
			} `json:"options"`
		} `json:"renderers"`
	}
	getJSON(t, h, "/v1/renderers", &list)
	var names []string
	opts := map[string][]string{}
	for _, r := range list.Renderers {
		names = append(names, r.Name)
		for _, o := range r.Options {
			opts[r.Name] = append(opts[r.Name], o.Name)
		}
	}
	if want := renderers.Builtin().Names(); !slices.Equal(names, want) {
		t.Errorf("listed %q, want %q", names, want)
	}
	for name, want := range map[string][]string{
		"nftables": {"table", "set_prefix", "size"},
		"ipset":    {"set_prefix", "maxelem"},
		"unbound":  {"policy", "sinkhole_a", "sinkhole_aaaa"},
		"dnsmasq":  {"mode", "sinkhole_a", "sinkhole_aaaa"},
		"haproxy":  {"list"},
	} {
		if !slices.Equal(opts[name], want) {
			t.Errorf("%s options %q, want %q", name, opts[name], want)
		}
	}
}

// The firewall, DNS and proxy lists are served through the whole
// pipeline, and what a renderer leaves out reaches X-Cratos-Dropped.
func TestFeedDeviceLists(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) {
		s.Renderers = map[string]map[string]string{"ipset": {"maxelem": "1"}}
	}))
	tests := []struct {
		output, dataType, want, dropped string
	}{
		{"nftables", "ipv4", "add element inet cratos cratos-block-v4 {\n\t1.2.3.4,\n\t192.0.2.44,\n", ""},
		{"ipset", "ipv4", "add cratos-block-v4-new ", "ipset maxelem cap=5"},
		{"unbound", "domain", "local-zone: \"xn--bcher-kva.example.\" always_nxdomain\n", ""},
		{"dnsmasq", "domain", "address=/phish.example/\n", ""},
		{"haproxy", "ipv6", "2001:db8::7\n2001:db8:1::/48\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			resp, body := h.authed("/v1/feed/block/type/" + tt.dataType + "/age/1y/output/" + tt.output)
			if resp.StatusCode != 200 || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d, body lacks %q:\n%s", resp.StatusCode, tt.want, body)
			}
			if got := resp.Header.Get("X-Cratos-Dropped"); got != tt.dropped {
				t.Errorf("X-Cratos-Dropped = %q, want %q", got, tt.dropped)
			}
			if resp.Header.Get("X-Cratos-Entries") == "" {
				t.Error("no X-Cratos-Entries")
			}
		})
	}
}
