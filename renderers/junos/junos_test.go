package junos

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

func request(opts map[string]string) renderers.Request {
	return renderers.Request{Site: "cti.example.org", Feed: "block", DataType: "ipv4ext", Generated: time.Date(2026, 1, 2, 10, 5, 0, 0, time.UTC), Options: opts}
}

func ind(t indicator.Type, v string, ts int64) indicator.Indicator {
	return indicator.Indicator{Type: t, Value: v, Timestamp: ts}
}

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestLines(t *testing.T) {
	tests := []struct {
		name  string
		opts  map[string]string
		in    []indicator.Indicator
		want  string
		drops map[string]int
	}{
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conformance.Render(t, Renderer{}, request(tt.opts), tt.in)
			if string(got.Out) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got.Out, tt.want)
			}
			if tt.drops == nil {
				tt.drops = map[string]int{}
			}
			if !maps.Equal(got.Drops, tt.drops) {
				t.Errorf("drops = %v, want %v", got.Drops, tt.drops)
			}
			if vs := devicecheck.CheckJunos(got.Out, devicecheck.JunosLimits{}); len(vs) > 0 {
				t.Error(devicecheck.Error(vs, 10))
			}
		})
	}
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the file against the SRX feed format; every address or net
// is a line or a reported drop.
func TestDeviceRules(t *testing.T) {
	sets := map[string][]indicator.Indicator{
		"sample":    conformance.Sample(),
		"generated": conformance.Generated(100_000, 11),
		"real data": conformance.RealIndicators(t),
	}
	for name, set := range sets {
		for _, c := range []struct {
			name string
			opts map[string]string
			lim  devicecheck.JunosLimits
		}{
			{"defaults", nil, devicecheck.JunosLimits{}},
			{"capped ipv4", map[string]string{"ipv6": "false", "max_entries": "1000"}, devicecheck.JunosLimits{MaxEntries: 1000}},
		} {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				ins := conformance.OfTypes(set, info.Types...)
				got := conformance.Render(t, Renderer{}, request(c.opts), ins)
				if vs := devicecheck.CheckJunos(got.Out, c.lim); len(vs) > 0 {
					t.Fatal(devicecheck.Error(vs, 20))
				}
				lines := len(devicecheck.Lines(got.Out))
				if want := len(ins) - got.DropTotal(); lines != want {
					t.Errorf("%d lines, want %d (inputs %d, drops %v)", lines, want, len(ins), got.Drops)
				}
				t.Logf("%d inputs, %d lines, drops %v", len(ins), lines, got.Drops)
			})
		}
	}
}

func TestValidateOptions(t *testing.T) {
	conformance.CheckOptionCases(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"ipv6": "false", "max_entries": "100000"}},
		{Name: "unknown", Options: map[string]string{"ranges": "true"}, WantErr: `unknown option "ranges"`},
		{Name: "bad ipv6", Options: map[string]string{"ipv6": "v6"}, WantErr: "option ipv6"},
		{Name: "negative max_entries", Options: map[string]string{"max_entries": "-1"}, WantErr: "option max_entries"},
		{Name: "text max_entries", Options: map[string]string{"max_entries": "1M"}, WantErr: "option max_entries"},
	})
}

func TestRegistered(t *testing.T) {
	if _, ok := renderers.Lookup(Name); !ok {
		t.Fatal("junos is not registered")
	}
}

func TestConformance(t *testing.T) {
	if err := conformance.Check(context.Background(), Renderer{}); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkRender(b *testing.B) {
	ins := conformance.OfTypes(conformance.Generated(1_000_000, 1), info.Types...)
	conformance.BenchmarkRender(b, Renderer{}, request(nil), ins)
}
