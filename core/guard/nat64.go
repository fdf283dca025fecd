package guard

import (
	"net/netip"

	"github.com/cratos-project/cratos/core/indicator"
)

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

// matchNAT64 is Match for the IPv4 address or net that in, an address or
// net inside the well-known NAT64 prefix, reaches: 64:ff9b::808:808 is a
// path to 8.8.8.8 from an IPv6-only network. p and ok are in's address
// or prefix.
func (w *Warninglists) matchNAT64(in indicator.Indicator, p netip.Prefix, ok bool) (Verdict, bool) {
	if !ok {
		return Verdict{}, false
	}
	v4, ok := nat64Embedded(p)
	if !ok {
		return Verdict{}, false
	}
	via := in
	via.Type, via.Value = indicator.IPv4Net, v4.String()
	if v4.IsSingleIP() {
		via.Type, via.Value = indicator.IPv4, v4.Addr().String()
	}
	v, hit := w.Match(via)
	if hit {
		v.Detail += " (" + via.Value + " through NAT64 " + nat64.String() + ")"
	}
	return v, hit
}
