package f5

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

var request = rendertest.OfDataType("ipv4ext")

var ind = rendertest.Ind

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
		{"over the cap, a net first loses what it covers", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.7", 1), ind(indicator.IPv4Net, "198.51.100.0/24", 2), ind(indicator.IPv4, "198.51.100.9", 3)},
			"192.0.2.7,32,bl,\n198.51.100.0,24,bl,\n", map[string]int{DropCovered: 1}},
		{"not an address", nil, []indicator.Indicator{ind(indicator.IPv4, "bad", 0)}, "", map[string]int{DropNotIP: 1}},
	}, func(out []byte) []devicecheck.Violation { return devicecheck.CheckF5(out, devicecheck.F5Limits{}) })
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the file against F5's feed file format; every address or
// net is a line or a reported drop.
func TestDeviceRules(t *testing.T) {
	rendertest.DeviceRules(t, Renderer{}, request, []rendertest.Variant{
		{"defaults", nil},
		{"capped ipv4 category", map[string]string{"ipv6": "false", "category": "botnets", "max_entries": "1000"}},
	}, "lines", rules)
}

// rules checks the file against F5's feed file format
// (devicecheck.CheckF5) and counts its lines.
func rules(opts map[string]string, out []byte) ([]devicecheck.Violation, int) {
	return devicecheck.CheckF5(out, devicecheck.F5Limits{MaxEntries: rendertest.MaxEntries(opts)}), len(devicecheck.Lines(out))
}

// FuzzRender checks the file against F5's feed file format and that
// every input is a line or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, Renderer{}, []map[string]string{
		nil,
		{"ipv6": "false", "category": "botnets"},
		{"max_entries": "3", "list_type": "none"},
	}, rules)
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"list_type": "wl", "category": "spam_sources", "ipv6": "false", "max_entries": "100000"},
		Unknown: "mask",
		Bad: map[string][]string{
			"list_type":   {"blacklist"},
			"category":    {"bad ips", "a,b", "1abc"},
			"ipv6":        {"maybe"},
			"max_entries": {"-5"},
		},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request(nil)) }
