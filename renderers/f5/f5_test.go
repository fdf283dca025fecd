package f5

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

func request(opts map[string]string) renderers.Request { return rendertest.Request("ipv4ext", opts) }

var ind = rendertest.Ind

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestLines(t *testing.T) {
	rendertest.Rows(t, Renderer{}, request, []rendertest.Row{
		{"address and net", nil, []indicator.Indicator{ind(indicator.IPv4Net, "198.51.100.0/24", 0), ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7,32,bl,\n198.51.100.0,24,bl,\n", nil},
		{"ipv6 after ipv4", map[string]string{"category": "botnets"}, []indicator.Indicator{ind(indicator.IPv6Net, "2001:db8::/32", 0), ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7,32,bl,botnets\n2001:db8::,32,bl,botnets\n2001:db8::1,128,bl,botnets\n", nil},
		{"ipv6 off", map[string]string{"ipv6": "false"}, []indicator.Indicator{ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7,32,bl,\n", map[string]int{DropIPv6: 1}},
		{"whitelist without category", map[string]string{"list_type": "wl"}, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7,32,wl,\n", nil},
		{"list type left to the feed list", map[string]string{"list_type": "none"}, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7,32,,\n", nil},
		{"duplicate", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.7", 0), ind(indicator.IPv4Net, "192.0.2.7/32", 0)},
			"192.0.2.7,32,bl,\n", map[string]int{DropDuplicate: 1}},
		{"cap keeps newest", map[string]string{"max_entries": "1"}, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.7", 1), ind(indicator.IPv4, "192.0.2.8", 2)},
			"192.0.2.8,32,bl,\n", map[string]int{DropCap: 1}},
		{"not an address", nil, []indicator.Indicator{ind(indicator.IPv4, "bad", 0)}, "", map[string]int{DropNotIP: 1}},
	}, func(out []byte) []devicecheck.Violation { return devicecheck.CheckF5(out, devicecheck.F5Limits{}) })
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the file against F5's feed file format; every address or
// net is a line or a reported drop.
func TestDeviceRules(t *testing.T) {
	rendertest.Sweep(t, Renderer{}, request, rendertest.Sets(t, 100_000, 11), []rendertest.Variant{
		{"defaults", nil},
		{"capped ipv4 category", map[string]string{"ipv6": "false", "category": "botnets", "max_entries": "1000"}},
	}, rendertest.Counted("lines", func(v rendertest.Variant, out []byte) ([]devicecheck.Violation, int) {
		return devicecheck.CheckF5(out, devicecheck.F5Limits{MaxEntries: rendertest.MaxEntries(v.Opts)}), len(devicecheck.Lines(out))
	}))
}

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"list_type": "wl", "category": "spam_sources", "ipv6": "false", "max_entries": "100000"}},
		{Name: "unknown", Options: map[string]string{"mask": "24"}, WantErr: `unknown option "mask"`},
		{Name: "bad list_type", Options: map[string]string{"list_type": "blacklist"}, WantErr: "option list_type"},
		{Name: "category with a space", Options: map[string]string{"category": "bad ips"}, WantErr: "option category"},
		{Name: "category with a comma", Options: map[string]string{"category": "a,b"}, WantErr: "option category"},
		{Name: "category starting with a digit", Options: map[string]string{"category": "1abc"}, WantErr: "option category"},
		{Name: "bad ipv6", Options: map[string]string{"ipv6": "maybe"}, WantErr: "option ipv6"},
		{Name: "negative max_entries", Options: map[string]string{"max_entries": "-5"}, WantErr: "option max_entries"},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request(nil)) }
