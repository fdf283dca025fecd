package indicator

import "net/netip"

// dottedQuad returns the IPv4 address that s writes in its canonical
// text: four decimal fields of 0 to 255, without leading zeros, joined by
// dots, and nothing else. Nearly every IP value MISP holds is written so;
// for those, one pass over the text both parses it and proves it
// canonical, where CanonicalIP trims, refangs, looks for a port and a
// prefix, parses and writes the text again to compare. ok is false for
// any other text, which the general parsers then read: for every s it
// accepts, netip.ParseAddr(s) returns the same address and a.String() is
// s.
func dottedQuad(s string) (a netip.Addr, ok bool) {
	if len(s) < len("0.0.0.0") || len(s) > len("255.255.255.255") {
		return netip.Addr{}, false
	}
	var b [4]byte
	field, digits, v := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if digits == 0 || field == 3 {
				return netip.Addr{}, false
			}
			b[field] = byte(v)
			field, digits, v = field+1, 0, 0
			continue
		}
		// A digit after a leading zero (digits > 0 with v still 0) is
		// refused, as netip refuses it.
		if c < '0' || c > '9' || (digits > 0 && v == 0) {
			return netip.Addr{}, false
		}
		v = v*10 + int(c-'0')
		digits++
		if v > 255 {
			return netip.Addr{}, false
		}
	}
	if field != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	b[3] = byte(v)
	return netip.AddrFrom4(b), true
}
