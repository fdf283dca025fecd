package guard

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/cratos-project/cratos/core/config"
)

// widestMappedNet is the shortest IPv4-mapped prefix a cidr entry may
// have to be read as the IPv4 network it maps: ::ffff:0:0/104, an IPv4 /8,
// the widest net a list carries by default (config.DefaultMinPrefixV4).
const widestMappedNet = 96 + config.DefaultMinPrefixV4

// listedNet reads a cidr warninglist entry. An IPv4-mapped entry is the
// IPv4 address or network it maps (::ffff:146.112.61.104), unless it is
// wider than an IPv4 /8: MISP matches IPv4 values against IPv4 entries
// only, and ::ffff:0:0/96, the mapped block of IPv6 special-purpose
// lists, read as 0.0.0.0/0 would keep every IPv4 value out. Such an entry
// stays the IPv6 network MISP reads.
func listedNet(e string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(e); err == nil && p.Addr().Is4In6() && p.Bits() < widestMappedNet {
		return p.Masked(), nil
	}
	return config.ParsePrefix(e)
}

// wlNet is a network a cidr warninglist names, and the lists naming it.
type wlNet struct {
	p     netip.Prefix
	lists []int32
}

// sortedNets returns the networks of m ordered by first address, then
// length.
func sortedNets(m map[netip.Prefix][]int32) []wlNet {
	out := make([]wlNet, 0, len(m))
	for p, lists := range m {
		out = append(out, wlNet{p, lists})
	}
	slices.SortFunc(out, func(a, b wlNet) int {
		return cmp.Or(a.p.Addr().Compare(b.p.Addr()), cmp.Compare(a.p.Bits(), b.p.Bits()))
	})
	return out
}

// coveredHit returns the first network, of a list that applies, whose
// first address lies inside the net p: one inside p, which blocking p
// blocks too (or one holding p, which cidrHits finds first). MISP only
// asks whether a value lies within a listed range, so a /16 over a listed
// resolver passes its check.
func (w *Warninglists) coveredHit(p netip.Prefix, applies []bool) (wlNet, int32, bool) {
	nets := w.nets4
	if p.Addr().Is6() {
		nets = w.nets6
	}
	p = p.Masked()
	i, _ := slices.BinarySearchFunc(nets, p.Addr(), func(n wlNet, a netip.Addr) int { return n.p.Addr().Compare(a) })
	for ; i < len(nets) && p.Contains(nets[i].p.Addr()); i++ {
		for _, li := range nets[i].lists {
			if applies[li] {
				return nets[i], li, true
			}
		}
	}
	return wlNet{}, 0, false
}
