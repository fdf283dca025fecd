package guard

import (
	"net/netip"
	"testing"
)

// TestReservedOverlapOctets compares reservedOverlap, which skips IPv4
// prefixes in a /8 no reserved range touches, with every range compared
// in turn, for prefixes of every length at the start, middle and end of
// every /8.
func TestReservedOverlapOctets(t *testing.T) {
	everyRange := func(p netip.Prefix) (string, bool) {
		for _, r := range reserved {
			if r.prefix.Overlaps(p) {
				return r.name, true
			}
		}
		return "", false
	}
	for first := range 256 {
		for _, rest := range [][3]byte{{0, 0, 0}, {128, 64, 1}, {255, 255, 255}} {
			addr := netip.AddrFrom4([4]byte{byte(first), rest[0], rest[1], rest[2]})
			for bits := 0; bits <= 32; bits++ {
				p := netip.PrefixFrom(addr, bits).Masked()
				name, _, got := reservedOverlap(p)
				wantName, want := everyRange(p)
				if got != want || name != wantName {
					t.Errorf("reservedOverlap(%s) = %q, %v; want %q, %v", p, name, got, wantName, want)
				}
			}
		}
	}
}

// BenchmarkReservedOverlap checks a public IPv4 address, as most of a
// large list's are.
func BenchmarkReservedOverlap(b *testing.B) {
	p := netip.MustParsePrefix("198.51.100.7/32")
	for b.Loop() {
		if _, _, bad := reservedOverlap(p); bad {
			b.Fatal(p)
		}
	}
}
