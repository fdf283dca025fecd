package suricata

import (
	"errors"

	"github.com/cratos-project/cratos/core/indicator"
)

// SIDSpace is the number of SIDs above sid_base that generated rules use.
const SIDSpace = 1 << 26

// MaxSIDBase is the largest sid_base that keeps every SID within uint32.
const MaxSIDBase = 1<<32 - SIDSpace

const (
	pageBits  = 16 // SIDs per page: 65,536, stored as 1,024 words
	pageWords = 1 << pageBits / 64
)

var errSIDsExhausted = errors.New("all SIDs in the range are taken")

// sidAlloc hands out SIDs: the hashed slot when free, else the next free
// slot. Used slots are kept in a bitmap whose pages are allocated on
// first use, so a small render costs a few kilobytes.
type sidAlloc struct {
	base  uint32
	used  int
	pages [SIDSpace >> pageBits]*[pageWords]uint64
}

// assign returns the SID for the rule whose ruleHash is h.
func (a *sidAlloc) assign(h uint64) (uint32, error) {
	if a.used >= SIDSpace {
		return 0, errSIDsExhausted
	}
	slot := slotOf(h)
	for {
		p := a.pages[slot>>pageBits]
		if p == nil {
			p = new([pageWords]uint64)
			a.pages[slot>>pageBits] = p
		}
		w, bit := (slot&(1<<pageBits-1))/64, slot%64
		if p[w]&(1<<bit) == 0 {
			p[w] |= 1 << bit
			a.used++
			return a.base + slot, nil
		}
		slot = (slot + 1) % SIDSpace
	}
}

// slotOf maps a hash to a slot: its top 26 bits, which depend on every
// input byte (the low bits of FNV-1a do not mix well).
func slotOf(h uint64) uint32 { return uint32(h >> (64 - 26)) }

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
