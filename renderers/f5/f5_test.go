package f5

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
			if vs := devicecheck.CheckF5(got.Out, devicecheck.F5Limits{}); len(vs) > 0 {
				t.Error(devicecheck.Error(vs, 10))
			}
		})
	}
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the file against F5's feed file format; every address or
// net is a line or a reported drop.
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
			lim  devicecheck.F5Limits
		}{
			{"defaults", nil, devicecheck.F5Limits{}},
			{"capped ipv4 category", map[string]string{"ipv6": "false", "category": "botnets", "max_entries": "1000"}, devicecheck.F5Limits{MaxEntries: 1000}},
		} {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				ins := conformance.OfTypes(set, info.Types...)
				got := conformance.Render(t, Renderer{}, request(c.opts), ins)
				if vs := devicecheck.CheckF5(got.Out, c.lim); len(vs) > 0 {
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

func TestRegistered(t *testing.T) {
	if _, ok := renderers.Lookup(Name); !ok {
		t.Fatal("f5 is not registered")
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
