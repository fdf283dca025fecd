package squid

import (
	"math/bits"
	"net/netip"
	"slices"
)

// u128 is an address as a 128-bit number (IPv4 in the low 32 bits).
type u128 struct{ hi, lo uint64 }

func (a u128) cmp(b u128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a u128) add1() u128 {
	lo, carry := bits.Add64(a.lo, 1, 0)
	return u128{a.hi + carry, lo}
}

// hostMask returns the mask of the low n bits (n ≤ 128).
func hostMask(n int) u128 {
	switch {
	case n <= 0:
		return u128{}
	case n < 64:
		return u128{0, 1<<uint(n) - 1}
	case n < 128:
		return u128{1<<uint(n-64) - 1, ^uint64(0)}
	}
	return u128{^uint64(0), ^uint64(0)}
}

func (a u128) or(b u128) u128  { return u128{a.hi | b.hi, a.lo | b.lo} }
func (a u128) and(b u128) u128 { return u128{a.hi & b.hi, a.lo & b.lo} }
func (a u128) isZero() bool    { return a.hi == 0 && a.lo == 0 }

func fromAddr(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}
	}
	b := a.As16()
	var x u128
	for i := range 8 {
		x.hi = x.hi<<8 | uint64(b[i])
		x.lo = x.lo<<8 | uint64(b[i+8])
	}
	return x
}

func toAddr(x u128, v4 bool) netip.Addr {
	if v4 {
		return netip.AddrFrom4([4]byte{byte(x.lo >> 24), byte(x.lo >> 16), byte(x.lo >> 8), byte(x.lo)})
	}
	var b [16]byte
	for i := range 8 {
		b[7-i] = byte(x.hi >> (8 * i))
		b[15-i] = byte(x.lo >> (8 * i))
	}
	return netip.AddrFrom16(b)
}

type span struct{ first, last u128 }

// collapse returns the fewest prefixes of length 1 or more covering
// exactly the union of ps, all of one address family: contained prefixes
// disappear and adjacent ones merge. The result is sorted by address.
func collapse(ps []netip.Prefix, v4 bool) []netip.Prefix {
	if len(ps) == 0 {
		return nil
	}
	width := 128
	if v4 {
		width = 32
	}
	spans := make([]span, len(ps))
	for i, p := range ps {
		p = p.Masked()
		first := fromAddr(p.Addr())
		spans[i] = span{first, first.or(hostMask(width - p.Bits()))}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.first.cmp(b.first) })
	merged := spans[:1]
	for _, s := range spans[1:] {
		top := &merged[len(merged)-1]
		// Overlapping or adjacent (top.last+1 == s.first, unless top.last
		// is the last address).
		if s.first.cmp(top.last) <= 0 || (top.last != hostMask(width) && top.last.add1() == s.first) {
			if s.last.cmp(top.last) > 0 {
				top.last = s.last
			}
			continue
		}
		merged = append(merged, s)
	}
	var out []netip.Prefix
	for _, s := range merged {
		out = appendRange(out, s, width, v4)
	}
	return out
}

// appendRange appends the aligned prefixes that tile s, largest first.
// It never writes a /0: Squid reads 0.0.0.0/0 as "all", both families.
func appendRange(out []netip.Prefix, s span, width int, v4 bool) []netip.Prefix {
	for {
		// The widest host part that keeps first aligned and stays within s.
		host := 0
		for host < width-1 {
			m := hostMask(host + 1)
			if !s.first.and(m).isZero() || s.first.or(m).cmp(s.last) > 0 {
				break
			}
			host++
		}
		out = append(out, netip.PrefixFrom(toAddr(s.first, v4), width-host))
		end := s.first.or(hostMask(host))
		if end == s.last {
			return out
		}
		s.first = end.add1()
	}
}
