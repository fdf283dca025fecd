package suricata

import (
	"errors"
	"math/bits"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// SIDSpace is the number of SIDs above sid_base that generated rules use
// by default (sid_bits 26).
const SIDSpace = 1 << DefaultSIDBits

// MaxSIDBase is the largest sid_base that keeps every SID within uint32
// with the default sid_bits.
const MaxSIDBase = 1<<32 - SIDSpace

// The accepted sid_bits: SIDs run from sid_base to sid_base+2^sid_bits-1.
const (
	DefaultSIDBits = 26
	MaxSIDBits     = 31
)

var errSIDsExhausted = errors.New("all SIDs in the range are taken")

// sidAlloc hands out SIDs: the hashed slot when free, else the next free
// slot.
type sidAlloc struct {
	base uint32
	bits int
	used slotSet
}

// assign returns the SID for the rule whose ruleHash is h.
func (a *sidAlloc) assign(h uint64) (uint32, error) {
	space := uint32(1) << a.bits
	if uint64(a.used.n) >= uint64(space) {
		return 0, errSIDsExhausted
	}
	slot := a.hashed(h) - a.base
	for !a.used.add(slot) {
		slot = (slot + 1) & (space - 1)
	}
	return a.base + slot, nil
}

// hashed returns the SID that the rule whose ruleHash is h has unless an
// earlier rule took it.
func (a *sidAlloc) hashed(h uint64) uint32 { return a.base + slotOf(h, a.bits) }

// slotOf maps a hash to a slot: its top bits, which depend on every input
// byte (the low bits of FNV-1a do not mix well).
func slotOf(h uint64, bits int) uint32 { return uint32(h >> (64 - bits)) }

// slotSet is a set of slots below 2^31: open addressing on slot+1 (0 is
// empty), at most half full, so its size follows the rules rendered and
// not the width of the range.
type slotSet struct {
	n     int
	shift int // 32 - log2(len(table))
	table []uint32
}

// add inserts slot and reports whether it was absent.
func (s *slotSet) add(slot uint32) bool {
	if 2*(s.n+1) > len(s.table) {
		s.grow()
	}
	mask := uint32(len(s.table) - 1)
	for i := (slot * 0x9e3779b1) >> s.shift; ; i = (i + 1) & mask {
		switch s.table[i] {
		case 0:
			s.table[i] = slot + 1
			s.n++
			return true
		case slot + 1:
			return false
		}
	}
}

// grow doubles the table (to 1024 entries at first) and reinserts.
func (s *slotSet) grow() {
	old := s.table
	size := max(1024, 2*len(old))
	s.table, s.n, s.shift = make([]uint32, size), 0, 32-bits.Len(uint(size-1))
	for _, v := range old {
		if v != 0 {
			s.add(v - 1)
		}
	}
}

// ruleHash is FNV-1a (64 bit) over value, 0, the type name, 0, variant.
func ruleHash(variant string, t indicator.Type, value string) uint64 {
	return variantHash(valueHash(t, value), variant)
}

// valueHash is the part of ruleHash shared by an indicator's rules.
func valueHash(t indicator.Type, value string) uint64 {
	h := fnvString(fnvOffset, value)
	h = fnvByte(h, 0)
	h = fnvString(h, t.String())
	return fnvByte(h, 0)
}

// groupHash is valueHash for an IP group, whose rules' SIDs come from its
// first member and its list, listKey (groupListKey): two lists' groups
// starting at one address hold different members, and suricata-update
// keeps one rule per SID.
func groupHash(t indicator.Type, first, listKey string) uint64 {
	return fnvString(valueHash(t, first), listKey)
}

// groupListKey names the list of req in its IP groups' SIDs: the site,
// feed, data type and age, each ended by a 0 byte.
func groupListKey(req renderers.Request) string {
	return req.Site + "\x00" + req.Feed + "\x00" + req.DataType + "\x00" + req.Age + "\x00"
}

func variantHash(vh uint64, variant string) uint64 { return fnvString(vh, variant) }

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func fnvByte(h uint64, c byte) uint64 {
	h ^= uint64(c)
	return h * fnvPrime
}
