package indicator

import (
	"net/netip"
	"testing"
)

// dottedQuadCases are texts around the edges of the canonical form.
var dottedQuadCases = []struct {
	s  string
	ok bool
}{
	{"0.0.0.0", true},
	{"1.2.3.4", true},
	{"255.255.255.255", true},
	{"10.0.100.200", true},
	{"192.0.2.1", true},
	{"256.0.0.1", false},
	{"1.2.3.256", false},
	{"01.2.3.4", false},
	{"1.2.3.00", false},
	{"1.2.3.04", false},
	{"1.2.3", false},
	{"1.2.3.4.5", false},
	{"1..2.3", false},
	{".1.2.3", false},
	{"1.2.3.", false},
	{" 1.2.3.4", false},
	{"1.2.3.4 ", false},
	{"1.2.3.4/32", false},
	{"1.2.3.4:80", false},
	{"1[.]2.3.4", false},
	{"::ffff:1.2.3.4", false},
	{"1.2.3.4%eth0", false},
	{"+1.2.3.4", false},
	{"1.2.3.-4", false},
	{"1000.2.3.4", false},
	{"", false},
}

// TestDottedQuad checks the canonical text's parser against the table and
// against netip: what it accepts, netip parses to the same IPv4 address,
// written back as the same text.
func TestDottedQuad(t *testing.T) {
	for _, c := range dottedQuadCases {
		a, ok := dottedQuad(c.s)
		if ok != c.ok {
			t.Errorf("dottedQuad(%q) ok = %v, want %v", c.s, ok, c.ok)
			continue
		}
		checkDottedQuad(t, c.s, a, ok)
	}
	// Addresses spread over the whole space, each field's every value.
	for i := uint32(0); i < 1<<16; i++ {
		x := i * 0x9e3779b1
		want := netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(i >> 8), byte(i)})
		if a, ok := dottedQuad(want.String()); !ok || a != want {
			t.Fatalf("dottedQuad(%q) = %v, %v", want.String(), a, ok)
		}
	}
}

// FuzzDottedQuad checks dottedQuad against netip and CanonicalIP for any
// text.
func FuzzDottedQuad(f *testing.F) {
	for _, c := range dottedQuadCases {
		f.Add(c.s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := dottedQuad(s)
		checkDottedQuad(t, s, a, ok)
	})
}

// checkDottedQuad fails t when dottedQuad(s) answered a, ok where the
// general parsers disagree: an accepted s must be a canonical IPv4
// address, of the same prefix and text through CanonicalIP; a canonical
// IPv4 text must be accepted.
func checkDottedQuad(t *testing.T, s string, a netip.Addr, ok bool) {
	t.Helper()
	n, err := netip.ParseAddr(s)
	canonical := err == nil && n.Is4() && n.String() == s
	if ok != canonical {
		t.Fatalf("dottedQuad(%q) ok = %v; netip: %v, %v", s, ok, n, err)
	}
	if !ok {
		return
	}
	if a != n {
		t.Fatalf("dottedQuad(%q) = %v, netip %v", s, a, n)
	}
	p, err := CanonicalIP(s)
	if err != nil || p != netip.PrefixFrom(a, 32) {
		t.Fatalf("CanonicalIP(%q) = %v, %v; want %v/32", s, p, err, a)
	}
	if typ, text := ipType(p, s); typ != IPv4 || text != s {
		t.Fatalf("ipType(%q) = %v %q", s, typ, text)
	}
	if got, good := (Indicator{Type: IPv4, Value: s}).Prefix(); !good || got != p {
		t.Fatalf("Prefix of %q = %v, %v", s, got, good)
	}
}
