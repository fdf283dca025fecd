package junos

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
		{"addresses and nets in order", nil, []indicator.Indicator{
			ind(indicator.IPv6Net, "2001:db8::/32", 0), ind(indicator.IPv4Net, "198.51.100.0/24", 0), ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7\n198.51.100.0/24\n2001:db8::/32\n2001:db8::1\n", nil},
		{"ipv6 off", map[string]string{"ipv6": "false"}, []indicator.Indicator{ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "192.0.2.7", 0)},
			"192.0.2.7\n", map[string]int{DropIPv6: 1}},
		{"duplicate", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.7", 0), ind(indicator.IPv4Net, "192.0.2.7/32", 0)},
			"192.0.2.7\n", map[string]int{DropDuplicate: 1}},
		{"cap keeps newest", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.7", 3), ind(indicator.IPv4, "192.0.2.8", 1), ind(indicator.IPv4Net, "198.51.100.0/24", 2)},
			"192.0.2.7\n198.51.100.0/24\n", map[string]int{DropCap: 1}},
		{"not an address", nil, []indicator.Indicator{ind(indicator.IPv4, "bad", 0)}, "", map[string]int{DropNotIP: 1}},
	}, func(out []byte) []devicecheck.Violation {
		return devicecheck.CheckJunos(out, devicecheck.JunosLimits{})
	})
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the file against the SRX feed format; every address or net
// is a line or a reported drop.
func TestDeviceRules(t *testing.T) {
	rendertest.Sweep(t, Renderer{}, request, rendertest.Sets(t, 100_000, 11), []rendertest.Variant{
		{"defaults", nil},
		{"capped ipv4", map[string]string{"ipv6": "false", "max_entries": "1000"}},
	}, rendertest.Counted("lines", func(v rendertest.Variant, out []byte) ([]devicecheck.Violation, int) {
		return devicecheck.CheckJunos(out, devicecheck.JunosLimits{MaxEntries: rendertest.MaxEntries(v.Opts)}), len(devicecheck.Lines(out))
	}))
}

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"ipv6": "false", "max_entries": "100000"}},
		{Name: "unknown", Options: map[string]string{"ranges": "true"}, WantErr: `unknown option "ranges"`},
		{Name: "bad ipv6", Options: map[string]string{"ipv6": "v6"}, WantErr: "option ipv6"},
		{Name: "negative max_entries", Options: map[string]string{"max_entries": "-1"}, WantErr: "option max_entries"},
		{Name: "text max_entries", Options: map[string]string{"max_entries": "1M"}, WantErr: "option max_entries"},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request(nil)) }
