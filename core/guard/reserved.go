package guard

import "net/netip"

// reserved is address space no block list should carry: blocking it cuts
// a site off from itself. Documentation ranges (192.0.2.0/24,
// 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are not in it.
var reserved = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified (this network)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (carrier-grade NAT, RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private (RFC 1918)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private (RFC 1918)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (private)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// reservedOctets marks each first octet of IPv4 space that a reserved
// range takes part of: an IPv4 prefix of /8 or longer whose first octet
// is unmarked lies inside one /8 that no reserved range touches.
var reservedOctets = func() (marked [256]bool) {
	for _, r := range reserved {
		if a := r.prefix.Addr(); a.Is4() {
			first, n := int(a.As4()[0]), 1
			if bits := r.prefix.Bits(); bits < 8 {
				n = 1 << (8 - bits)
			}
			for o := first; o < first+n && o < 256; o++ {
				marked[o] = true
			}
		}
	}
	return marked
}()

// reservedOverlap returns the name of the reserved range p overlaps.
func reservedOverlap(p netip.Prefix) (string, netip.Prefix, bool) {
	if a := p.Addr(); a.Is4() && p.Bits() >= 8 && !reservedOctets[a.As4()[0]] {
		return "", netip.Prefix{}, false
	}
	for _, r := range reserved {
		if r.prefix.Overlaps(p) {
			return r.name, r.prefix, true
		}
	}
	return "", netip.Prefix{}, false
}
