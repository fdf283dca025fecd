package acl

import (
	"encoding/binary"
	"net/netip"
	"slices"
)

// Table answers Contains for a fixed list of prefixes in O(log n): the
// prefixes of each family are turned into sorted, merged address ranges
// searched by bisection. Build it once per list (when the list is
// loaded); Contains on a list of thousands then costs what it costs on
// one prefix.
type Table struct {
	v4, v6 []span
	// from is the list the Table was built from, for Builds.
	from []netip.Prefix
}

// u128 is an address as a number: an IPv4 address in lo's low 32 bits.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

// next is a+1, wrapping around past the largest value.
func (a u128) next() u128 {
	if a.lo == ^uint64(0) {
		return u128{a.hi + 1, 0}
	}
	return u128{a.hi, a.lo + 1}
}

// span is the addresses first through last, both included.
type span struct{ first, last u128 }

// NewTable builds the Table of prefixes. Invalid prefixes match nothing
// and host bits are ignored, as with Contains.
func NewTable(prefixes []netip.Prefix) *Table {
	t := &Table{from: prefixes}
	for _, p := range prefixes {
		if !p.IsValid() {
			continue
		}
		first := number(p.Masked().Addr())
		hostBits := p.Addr().BitLen() - p.Bits()
		last := first
		switch {
		case hostBits >= 64:
			last = u128{first.hi | ^uint64(0)>>(128-hostBits), ^uint64(0)}
		case hostBits > 0:
			last.lo |= ^uint64(0) >> (64 - hostBits)
		}
		if p.Addr().Is4() {
			t.v4 = append(t.v4, span{first, last})
		} else {
			t.v6 = append(t.v6, span{first, last})
		}
	}
	t.v4, t.v6 = merge(t.v4), merge(t.v6)
	return t
}

// number is a (without zone) as a u128.
func number(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// merge sorts spans and joins those that overlap or touch, so that at
// most one span holds an address and the spans are in order.
func merge(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int {
		switch {
		case a.first.less(b.first):
			return -1
		case b.first.less(a.first):
			return 1
		}
		return 0
	})
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && (!out[n-1].last.less(s.first) || out[n-1].last.next() == s.first) {
			if out[n-1].last.less(s.last) {
				out[n-1].last = s.last
			}
			continue
		}
		out = append(out, s)
	}
	return slices.Clip(out)
}

// Contains reports what Contains(prefixes, a) reports for the prefixes
// the Table was built from: IPv4-mapped IPv6 addresses are treated as
// IPv4, an address with a zone is in no prefix, nor is the zero Addr.
func (t *Table) Contains(a netip.Addr) bool {
	a = a.Unmap()
	spans := t.v6
	switch {
	case a.Is4():
		spans = t.v4
	case !a.Is6() || a.Zone() != "":
		return false
	}
	n := number(a)
	// The first span starting after a; the one before it is the only
	// one that may hold a.
	i, _ := slices.BinarySearchFunc(spans, n, func(s span, n u128) int {
		if n.less(s.first) {
			return 1
		}
		return -1
	})
	return i > 0 && !spans[i-1].last.less(n)
}

// Builds reports whether t was built from prefixes, the same slice (not
// a copy): a list changed or replaced since t was built is not.
func (t *Table) Builds(prefixes []netip.Prefix) bool {
	if t == nil || len(t.from) != len(prefixes) {
		return false
	}
	return len(prefixes) == 0 || &t.from[0] == &prefixes[0]
}

// Lookup is t.Contains(a) when t was built from prefixes, else
// Contains(prefixes, a): a list changed since its Table was built (or
// never given one) is still read as it is now.
func Lookup(t *Table, prefixes []netip.Prefix, a netip.Addr) bool {
	if t.Builds(prefixes) {
		return t.Contains(a)
	}
	return Contains(prefixes, a)
}
