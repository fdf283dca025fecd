package junos

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
		{"addresses as host prefixes, nets, in order", nil, []indicator.Indicator{
			ind(indicator.IPv6Net, "2001:db8::/32", 0), ind(indicator.IPv4Net, "198.51.100.0/24", 0), ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7/32\n198.51.100.0/24\n2001:db8::/32\n2001:db8::1/128\n", nil},
		{"ipv6 off", map[string]string{"ipv6": "false"}, []indicator.Indicator{ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7/32\n", map[string]int{DropIPv6: 1}},
		{"duplicate", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.7", 0), ind(indicator.IPv4Net, "192.0.2.7/32", 0)},
			"192.0.2.7/32\n", map[string]int{DropDuplicate: 1}},
		{"cap keeps newest", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.7", 3), ind(indicator.IPv4, "192.0.2.8", 1), ind(indicator.IPv4Net, "198.51.100.0/24", 2)},
			"192.0.2.7/32\n198.51.100.0/24\n", map[string]int{DropCap: 1}},
		{"over the cap, a net first loses what it covers", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.7", 1), ind(indicator.IPv4Net, "198.51.100.0/24", 2), ind(indicator.IPv4, "198.51.100.9", 3)},
			"192.0.2.7/32\n198.51.100.0/24\n", map[string]int{DropCovered: 1}},
		{"not an address", nil, []indicator.Indicator{ind(indicator.IPv4, "bad", 0)}, "", map[string]int{DropNotIP: 1}},
	}, func(out []byte) []devicecheck.Violation {
		return devicecheck.CheckJunos(out, devicecheck.JunosLimits{})
	})
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the file against the SRX feed format; every address or net
// is a line or a reported drop.
func TestDeviceRules(t *testing.T) {
	rendertest.DeviceRules(t, Renderer{}, request, []rendertest.Variant{
		{"defaults", nil},
		{"capped ipv4", map[string]string{"ipv6": "false", "max_entries": "1000"}},
	}, "lines", rules)
}

// rules checks the file against the SRX feed format
// (devicecheck.CheckJunos) and counts its lines.
func rules(opts map[string]string, out []byte) ([]devicecheck.Violation, int) {
	return devicecheck.CheckJunos(out, devicecheck.JunosLimits{MaxEntries: rendertest.MaxEntries(opts)}), len(devicecheck.Lines(out))
}

// FuzzRender checks the file against the SRX feed format and that every
// input is a line or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, Renderer{}, []map[string]string{
		nil,
		{"ipv6": "false"},
		{"max_entries": "3"},
	}, rules)
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"ipv6": "false", "max_entries": "100000"},
		Unknown: "ranges",
		Bad: map[string][]string{
			"ipv6":        {"v6"},
			"max_entries": {"-1", "1M"},
		},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request(nil)) }
