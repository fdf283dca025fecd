package haproxy

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// TestMappedNets checks that an IPv6 net holding ::ffff:0:0/96 is left
// out and reported, and that the nets written leave an IPv4 client (the
// test's, 127.0.0.1) alone in a real haproxy: HAProxy looks an IPv4
// source up among the IPv6 patterns as ::ffff:a.b.c.d, so ::/8 would
// match every IPv4 client.
func TestMappedNets(t *testing.T) {
	cases := []struct {
		name  string
		in    []indicator.Indicator
		want  string
		drops map[string]int
	}{
		{"kept", []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24"), ind(indicator.IPv6Net, "::/81"), ind(indicator.IPv6Net, "::/96"),
			ind(indicator.IPv6Net, "2001:db8::/32"),
		}, "198.51.100.0/24\n::/81\n::/96\n2001:db8::/32\n", nil},
		{"holding the IPv4-mapped block", []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24"), ind(indicator.IPv6Net, "::/0"), ind(indicator.IPv6Net, "::/8"),
			ind(indicator.IPv6Net, "::/80"), ind(indicator.IPv6Net, "2001:db8::/32"),
		}, "198.51.100.0/24\n2001:db8::/32\n", map[string]int{DropMappedNet: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := conformance.Render(t, Renderer{}, renderers.Request{DataType: "ipv4ext"}, indicator.Normalize(tc.in))
			rendertest.Expect(t, got, tc.want, tc.drops)
			h, err := realtools.StartHAProxy(t, ListIP, string(got.Out))
			if err != nil {
				t.Fatal(err)
			}
			expect(t, h, "x.example", 200)
		})
	}
}
