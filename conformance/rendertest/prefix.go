package rendertest

import (
	"fmt"
	"net/netip"
	"strings"
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
