package rendertest

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
)

// ListEntry reads an entry of an address list as a device reads it back:
// an address (no zone, not IPv4-mapped) as a single-address prefix, or a
// masked prefix of more than one address and of length minBits or more.
func ListEntry(v string, minBits int) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil || p.Masked() != p || p.IsSingleIP() || p.Bits() < minBits {
			return p, fmt.Errorf("entry %q is not a masked prefix of length %d or more", v, minBits)
		}
		return p, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" || a.Is4In6() {
		return netip.Prefix{}, fmt.Errorf("entry %q is not an address", v)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Prefixes reads the lines of an address list: each a prefix, with no
// host bits set when masked is true, or an address, read as a
// single-address prefix. It returns an error naming the first line that
// is neither.
func Prefixes(lines []string, masked bool) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, l := range lines {
		p, err := netip.ParsePrefix(l)
		if err != nil {
			a, aerr := netip.ParseAddr(l)
			if aerr != nil {
				return nil, fmt.Errorf("line %q is neither a prefix nor an address", l)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		} else if masked && p.Masked() != p {
			return nil, fmt.Errorf("line %q has host bits set", l)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// Covers checks the entries of a list that merges addresses and nets:
// it returns an error naming two of ps that overlap, or else the first
// input of ins, an address or net of minBits bits or more, that lies
// inside none of ps; nil when there is neither.
func Covers(ps []netip.Prefix, ins []indicator.Indicator, minBits int) error {
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if ps[i].Overlaps(ps[j]) {
				return fmt.Errorf("lines %s and %s overlap", ps[i], ps[j])
			}
		}
	}
	for _, in := range ins {
		p, ok := in.Prefix()
		if !ok || p.Bits() < minBits {
			continue
		}
		if !slices.ContainsFunc(ps, func(q netip.Prefix) bool { return q.Bits() <= p.Bits() && q.Contains(p.Addr()) }) {
			return fmt.Errorf("input %s is covered by no line", in.Value)
		}
	}
	return nil
}
