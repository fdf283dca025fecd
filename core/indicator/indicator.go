package indicator

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Indicator is one canonical indicator of compromise. Value is the canonical
// text form for its Type; the rest is context from the MISP attribute it came
// from, which renderers may use but never need.
type Indicator struct {
	Type Type
	// ToIDS is the attribute's to_ids flag (beside Type, where it takes
	// no room of its own).
	ToIDS bool
	Value string

	// MISPType is the MISP attribute type ("ip-dst", "domain|ip", ...).
	MISPType string
	// Category is the MISP attribute category ("Network activity", ...).
	Category string
	// UUID is the MISP attribute uuid.
	UUID string
	// EventID is the MISP event id, 0 when unknown.
	EventID int64
	// Timestamp is the attribute's last change, unix seconds.
	Timestamp int64
}

// Prefix returns the address or prefix of an IP indicator. A single address
// is returned as a full-length prefix. ok is false for other types or an
// unparsable value.
func (i Indicator) Prefix() (p netip.Prefix, ok bool) {
	switch i.Type {
	case IPv4, IPv6:
		if a, ok := dottedQuad(i.Value); ok {
			return netip.PrefixFrom(a, 32), true
		}
		a, err := netip.ParseAddr(i.Value)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	case IPv4Net, IPv6Net:
		p, err := netip.ParsePrefix(i.Value)
		return p, err == nil
	}
	return netip.Prefix{}, false
}

// LineBreaks are the characters some line reader ends a line at: CR and
// LF, and VT, FF, the separators FS, GS and RS, NEL, LS and PS, at which
// Python's str.splitlines (and for some of them JavaScript) breaks lines
// too. Such a reader splits a value holding one into two entries.
const LineBreaks = "\r\n\v\f\x1c\x1d\x1e\u0085\u2028\u2029"

// MultiLine reports whether the value spans more than one line for some
// line reader (LineBreaks), which line-oriented formats cannot carry.
// Each line break is a control byte or starts with a byte past ASCII: a
// value of printable ASCII (nearly every one) is read a byte at a time,
// not a rune at a time against each of LineBreaks.
func (i Indicator) MultiLine() bool {
	for k := 0; k < len(i.Value); k++ {
		if c := i.Value[k]; c < ' ' || c >= utf8.RuneSelf {
			return strings.ContainsAny(i.Value[k:], LineBreaks)
		}
	}
	return false
}

// TypeSet is a set of Types.
type TypeSet uint32

// SetOf returns the set holding ts.
func SetOf(ts ...Type) TypeSet {
	var s TypeSet
	for _, t := range ts {
		s |= 1 << t
	}
	return s
}

// Has reports whether t is in s.
func (s TypeSet) Has(t Type) bool { return t < numTypes && s&(1<<t) != 0 }

// Types lists the members of s in declaration order.
func (s TypeSet) Types() []Type {
	var out []Type
	for t := IPv4; t < numTypes; t++ {
		if s.Has(t) {
			out = append(out, t)
		}
	}
	return out
}
