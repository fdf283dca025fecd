package indicator

import (
	"strings"
	"unsafe"
)

// Own returns a with its Value and UUID copied into one allocation of
// their own: for an attribute given with borrowed strings (see AddBorrowed)
// that is to be kept. Type and Category are shared names, left as they
// are.
func (a Attribute) Own() Attribute {
	var both strings.Builder
	both.Grow(len(a.Value) + len(a.UUID))
	both.WriteString(a.Value)
	both.WriteString(a.UUID)
	s := both.String()
	a.Value, a.UUID = s[:len(a.Value)], s[len(a.Value):]
	return a
}

// AddBorrowed is Add for an attribute whose Value and UUID are borrowed:
// valid only until AddBorrowed returns, as a decoder that reads them in
// place hands them out. What the indicators added keep of those strings
// is copied into blocks the Extractor shares among them, so that an
// attribute costs no allocation of its own, and one that yields nothing
// none at all. Type and Category must be strings of their own.
func (x *Extractor) AddBorrowed(dst []Indicator, a Attribute) []Indicator {
	from := len(dst)
	dst = x.Add(dst, a)
	if len(dst) == from {
		return dst
	}
	uuid := x.text.copy(a.UUID)
	for i := from; i < len(dst); i++ {
		in := &dst[i]
		in.UUID = uuid
		if within(in.Value, a.Value) {
			in.Value = x.text.copy(in.Value)
		}
	}
	return dst
}

// AddInPlace is AddBorrowed for an attribute whose Value lies in memory
// that stays unchanged while the indicators are used (a feed snapshot's
// text): a value an indicator keeps as it is stays there, uncopied. The
// UUID, which may be borrowed, is copied. An indicator added so keeps
// that memory alive: it is copied (NewList) before it is kept.
func (x *Extractor) AddInPlace(dst []Indicator, a Attribute) []Indicator {
	from := len(dst)
	dst = x.Add(dst, a)
	if len(dst) == from || a.UUID == "" {
		return dst
	}
	uuid := x.text.copy(a.UUID)
	for i := from; i < len(dst); i++ {
		dst[i].UUID = uuid
	}
	return dst
}

// within reports whether s's bytes lie in t's.
func within(s, t string) bool {
	if s == "" || t == "" {
		return false
	}
	ps, pt := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(t)))
	return ps >= pt && ps-pt < uintptr(len(t))
}

// textBlockSize is the size of the blocks a textBlocks copies into.
const textBlockSize = 32 << 10

// textBlocks copies short strings into large blocks, one after the other:
// strings that are kept together cost a few allocations instead of one
// each. A block lives while any string in it does.
type textBlocks struct {
	room []byte // the unused end of the last block
}

// copy returns a copy of s.
func (t *textBlocks) copy(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > len(t.room) {
		if len(s) > textBlockSize/4 {
			return strings.Clone(s) // a long string alone, not wasting a block's end
		}
		t.room = make([]byte, textBlockSize)
	}
	n := copy(t.room, s)
	out := unsafe.String(&t.room[0], n)
	t.room = t.room[n:]
	return out
}
