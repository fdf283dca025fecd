package guard

import "net/netip"

// nat64 is the well-known NAT64 prefix (RFC 6052): 64:ff9b::a.b.c.d is
// the IPv4 address a.b.c.d reached from an IPv6-only network.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// nat64Embedded returns the IPv4 prefix that pr, a prefix inside the
// well-known NAT64 prefix, reaches.
func nat64Embedded(pr netip.Prefix) (netip.Prefix, bool) {
	if !pr.Addr().Is6() || pr.Bits() <= nat64.Bits() || !nat64.Contains(pr.Addr()) {
		return netip.Prefix{}, false
	}
	a := pr.Addr().As16()
	return netip.PrefixFrom(netip.AddrFrom4([4]byte(a[12:])), pr.Bits()-nat64.Bits()), true
}
