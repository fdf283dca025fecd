package ipset

import (
	"maps"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

// tricky holds the edges of both address spaces, nets inside nets and
// whole-space prefixes.
func tricky() []indicator.Indicator {
	return rendertest.IPs("0.0.0.0", "255.255.255.255", "0.0.0.0/0", "0.0.0.0/1", "10.0.0.0/8", "10.1.0.0/16", "198.51.100.7",
		"::", "::/0", "8000::/1", "2001:db8::/32", "2001:db8::1", "fe80::/10")
}

// TestRealTool feeds each list to a real ipset restore twice (a first
// load, then a reload over full sets) in a network namespace of its own,
// and checks that only the live sets remain, each holding one entry per
// indicator of its family minus the reported drops.
func TestRealTool(t *testing.T) {
	real, _ := conformance.RealData(t)
	cases := []struct {
		name, dataType string
		in             []indicator.Indicator
		opts           map[string]string
	}{
		{"sample", "", conformance.Sample(), nil},
		{"tricky", "", tricky(), nil},
		{"tricky, maxelem", "", tricky(), map[string]string{"maxelem": "3", "set_prefix": "ti"}},
		{"real data", "", real, nil},
		{"real data, ipv4ext", "ipv4ext", real, nil},
		{"real data, ipv6, ipset's default maxelem", "ipv6", real, map[string]string{"maxelem": "65536"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := conformance.OfTypes(tc.in, info.Types...)
			got := conformance.Render(t, Renderer{}, request("block", tc.dataType, tc.opts), in)
			written, err := checkRestore(string(got.Out))
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := realtools.IpsetRestore(t, string(got.Out))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{}
			for name, es := range written {
				want[name] = len(es)
			}
			if !maps.Equal(loaded, want) {
				t.Errorf("sets after two loads %v, want %v", loaded, want)
			}
			rendertest.Accounted(t, "entries", total(written), in, got)
			t.Logf("%d indicators, loaded %v, drops %v", len(in), loaded, got.Drops)
		})
	}
}
