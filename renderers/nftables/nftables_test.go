package nftables

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

func request(feed string, opts map[string]string) renderers.Request {
	return renderers.Request{Site: "misp.example", Feed: feed, Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Options: opts}
}

var ind = rendertest.Ind

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestRender(t *testing.T) {
	head := "#!/usr/sbin/nft -f\n# Cratos block list: load with nft -f, one transaction.\n" +
		"table inet cratos {\n\tset cratos-block-v4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t}\n" +
		"\tset cratos-block-v6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n\t}\n}\n" +
		"flush set inet cratos cratos-block-v4\nflush set inet cratos cratos-block-v6\n"
	tests := []struct {
		name  string
		opts  map[string]string
		in    []indicator.Indicator
		want  string
		drops map[string]int
	}{
		{"families in order", nil, []indicator.Indicator{
			ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.IPv4Net, "10.0.0.0/8", 0)},
			head + "add element inet cratos cratos-block-v4 {\n\t10.0.0.0/8,\n\t198.51.100.7,\n}\n" +
				"add element inet cratos cratos-block-v6 {\n\t2001:db8::1,\n}\n", nil},
		{"covered and duplicate", nil, []indicator.Indicator{
			ind(indicator.IPv4Net, "10.0.0.0/8", 0), ind(indicator.IPv4Net, "10.1.0.0/16", 0), ind(indicator.IPv4, "10.1.2.3", 0),
			ind(indicator.IPv4, "11.0.0.1", 0), ind(indicator.IPv4, "11.0.0.1", 0), ind(indicator.IPv4, "11.0.0.2", 0)},
			head + "add element inet cratos cratos-block-v4 {\n\t10.0.0.0/8,\n\t11.0.0.1,\n\t11.0.0.2,\n}\n",
			map[string]int{DropCovered: 2, DropDuplicate: 1}},
		{"size keeps the newest", map[string]string{"size": "1"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.1", 5), ind(indicator.IPv4, "192.0.2.2", 9), ind(indicator.IPv6, "2001:db8::1", 1)},
			"", map[string]int{DropSize: 1}},
		{"not an ip", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example", 0)}, head, map[string]int{DropNotIP: 1}},
		{"empty", nil, nil, head, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conformance.Render(t, Renderer{}, request("block", tt.opts), tt.in)
			if tt.want != "" && string(got.Out) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got.Out, tt.want)
			}
			if _, err := checkScript(string(got.Out), "cratos"); err != nil {
				t.Errorf("checkScript: %v", err)
			}
			if tt.drops == nil {
				tt.drops = map[string]int{}
			}
			if !maps.Equal(got.Drops, tt.drops) {
				t.Errorf("drops %v, want %v", got.Drops, tt.drops)
			}
		})
	}
}

func TestFamilies(t *testing.T) {
	tests := []struct {
		dataType string
		v4, v6   bool
	}{{"ipv4", true, false}, {"ipv4ext", true, false}, {"cidr4", true, false}, {"ipv6", false, true}, {"", true, true}, {"domain", true, true}}
	for _, tt := range tests {
		if v4, v6 := Families(tt.dataType); v4 != tt.v4 || v6 != tt.v6 {
			t.Errorf("Families(%q) = %v, %v; want %v, %v", tt.dataType, v4, v6, tt.v4, tt.v6)
		}
	}
	// An ipv4 list replaces only the IPv4 set.
	got := conformance.Render(t, Renderer{}, renderers.Request{Feed: "block", DataType: "ipv4"}, []indicator.Indicator{
		ind(indicator.IPv4, "192.0.2.1", 0), ind(indicator.IPv6, "2001:db8::1", 0)})
	if strings.Contains(string(got.Out), "flush set inet cratos cratos-block-v6") || strings.Contains(string(got.Out), "2001:db8::1") {
		t.Errorf("ipv4 list touches the IPv6 set:\n%s", got.Out)
	}
	if got.Drops[DropFamily] != 1 {
		t.Errorf("drops %v, want one %q", got.Drops, DropFamily)
	}
}

func TestSetPrefix(t *testing.T) {
	for feed, want := range map[string]string{
		"block": "cratos-block", "cust1": "cratos-cust1", "42": "cratos-42", "": "cratos",
		"org:5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d": "cratos", "a-very-long-feed-name": "cratos", "Block": "cratos",
	} {
		if got := SetPrefix(feed); got != want {
			t.Errorf("SetPrefix(%q) = %q, want %q", feed, got, want)
		}
	}
}

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"table": "filter", "set_prefix": "ti_misp", "size": "65536"}},
		{Name: "empty prefix", Options: map[string]string{"set_prefix": ""}},
		{Name: "unknown", Options: map[string]string{"family": "ip"}, WantErr: `unknown option "family"`},
		{Name: "empty table", Options: map[string]string{"table": ""}, WantErr: "option table"},
		{Name: "table with a space", Options: map[string]string{"table": "a b"}, WantErr: "option table"},
		{Name: "table injection", Options: map[string]string{"table": "x {\nflush ruleset"}, WantErr: "option table"},
		{Name: "prefix with a digit first", Options: map[string]string{"set_prefix": "1ti"}, WantErr: "option set_prefix"},
		{Name: "negative size", Options: map[string]string{"size": "-1"}, WantErr: "option size"},
		{Name: "text size", Options: map[string]string{"size": "1k"}, WantErr: "option size"},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request("block", nil)) }
