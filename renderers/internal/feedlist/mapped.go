package feedlist

import "net/netip"

// ipv4Mapped is the block of IPv4-mapped IPv6 addresses.
var ipv4Mapped = netip.MustParsePrefix("::ffff:0:0/96")

// HoldsIPv4Mapped reports whether p is an IPv6 net holding the whole
// IPv4-mapped block ::ffff:0:0/96 (::/80, ::/8, ::/0). A device that holds
// IPv4 addresses as IPv4-mapped IPv6 (Squid, Zeek), or looks an IPv4
// address up among its IPv6 patterns as one (HAProxy), matches every IPv4
// address with such a net.
func HoldsIPv4Mapped(p netip.Prefix) bool {
	return p.Addr().Is6() && p.Bits() <= ipv4Mapped.Bits() && p.Contains(ipv4Mapped.Addr())
}
