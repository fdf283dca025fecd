package haproxy

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

// tricky holds the longest names and labels, underscores, nested names,
// the edges of both address spaces and whole-space nets.
func tricky() []indicator.Indicator {
	l63 := strings.Repeat("a", 63)
	in := []indicator.Indicator{
		ind(indicator.Domain, l63+"."+l63+"."+l63+"."+strings.Repeat("b", 61)), // 253 octets
		ind(indicator.Domain, "_dmarc.mail.example"), ind(indicator.Hostname, "1-2.3.example"),
		ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "www.bad.example"),
		ind(indicator.Domain, "xn--bcher-kva.example"),
		ind(indicator.IPv4, "0.0.0.0"), ind(indicator.IPv4, "255.255.255.255"), ind(indicator.IPv4Net, "0.0.0.0/0"),
		ind(indicator.IPv4Net, "10.0.0.0/8"), ind(indicator.IPv4, "10.1.2.3"), ind(indicator.IPv6, "::"),
		ind(indicator.IPv6Net, "::/0"), ind(indicator.IPv6, "64:ff9b::c000:221"), ind(indicator.IPv6Net, "2001:db8::/32"),
	}
	return indicator.Normalize(in)
}

// TestRealTool checks each pattern file with haproxy -c in a configuration
// whose ACL reads it, runs a real haproxy with it, compares the entries
// haproxy loaded (show acl on its admin socket) with the patterns written
// and the indicators minus the reported drops, and, for name lists, sends
// requests whose Host is a listed name, a subdomain of it, or a name that
// only ends like it.
func TestRealTool(t *testing.T) {
	real, _ := conformance.RealData(t)
	rendertest.Kinds(t, Renderer{}, rendertest.WithOptions, "list", []rendertest.Kind{
		{ListIP, rendertest.IPTypes}, {ListDom, rendertest.NameTypes}, {ListEnd, rendertest.NameTypes},
	}, []rendertest.Case{
		{"sample", conformance.Sample(), nil}, {"tricky", tricky(), nil}, {"real data", real, nil},
	}, func(t *testing.T, kind string, in []indicator.Indicator, got conformance.Rendered) {
		ps, err := checkPatterns(kind, string(got.Out))
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(in)-got.DropTotal() || len(ps) == 0 {
			t.Fatalf("%d patterns, want %d indicators minus %d dropped (%v)", len(ps), len(in), got.DropTotal(), got.Drops)
		}
		h, err := realtools.StartHAProxy(t, kind, string(got.Out))
		if err != nil {
			t.Fatal(err)
		}
		n, err := h.Entries()
		if err != nil {
			t.Fatal(err)
		}
		if n != len(ps) {
			t.Errorf("haproxy loaded %d patterns, the file holds %d", n, len(ps))
		}
		if kind != ListIP {
			for _, k := range []int{0, len(ps) / 2, len(ps) - 1} {
				name := strings.TrimPrefix(ps[k], ".")
				expect(t, h, name, 403)
				if len(name) < 240 {
					expect(t, h, "www."+name+":8443", 403)
					expect(t, h, "x"+name, 200)
				}
			}
			expect(t, h, "not-listed.cratos-test.internal", 200)
		}
		t.Logf("%d indicators, %d patterns loaded, drops %v", len(in), n, got.Drops)
	})
}

func expect(t *testing.T, h *realtools.HAProxy, host string, want int) {
	t.Helper()
	got, err := h.Status(host)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Host %s: status %d, want %d", host, got, want)
	}
}

// TestRealToolRefusesBadPatterns shows that the check can fail: haproxy -c
// refuses an address list holding a value that is not an address.
func TestRealToolRefusesBadPatterns(t *testing.T) {
	for _, bad := range []string{"not-an-ip", "198.51.100.300", "2001:db8::/129"} {
		_, err := realtools.StartHAProxy(t, ListIP, "198.51.100.7\n"+bad+"\n")
		if err == nil {
			t.Errorf("haproxy -c accepted %q in a src list", bad)
			continue
		}
		if !strings.Contains(err.Error(), bad) {
			t.Errorf("haproxy -c refused the list without naming %q: %v", bad, err)
		}
	}
}
