package misp

import "encoding/binary"

// MISP writes most members of an attribute as in the one before; an
// attrScanner keeps each member it met by its place, so one written the
// same is found by a compare of a few words, not read again.

// How many members an attrScanner knows by place, how long each at most
// (a key with its closing quote, or a whole member with the comma after
// it), and how long an object it remembers.
const (
	keysKnown    = 32
	memberMaxLen = 32
	objectKept   = 4096
)

// knownKey is the member known at a place: its key and closing quote as
// written (a key without escapes), and, when full is set, the whole
// member to the comma after its value. Each is held in little-endian
// words, the bytes past it zero, and beside each word a mask of its bytes
// in it. A member written the same is read the same, so its value's span
// and the index after it are known without reading it again.
type knownKey struct {
	keyWords, keyMasks [memberMaxLen / 8]uint64
	words, masks       [memberMaxLen / 8]uint64 // the whole member
	n                  uint8                    // the key's length, without the quote
	m                  int8
	full               uint8 // the whole member's length with its comma, or 0
	// value is the whole member's value, from the key's first byte.
	value span
	// matched is set once the whole member was found again: one that
	// differs in the next attribute (an id, a uuid) is known by its key
	// alone from then on.
	matched bool
}

// known returns the end of the key at b[at] and its member when it is
// the key known at place k: the same bytes, then a quote. With whole
// set, the whole member known there was found: end is the index after
// its comma and v its value. They are compared a word at a time, where
// the window holds memberMaxLen bytes from at; nearer its end a key is
// scanned and learnt again.
func (s *attrScanner) known(k, at int) (end, m int, v span, whole bool) {
	if k >= keysKnown || at+memberMaxLen > len(s.b) {
		return -1, 0, v, false
	}
	key := &s.keys[k]
	b := s.b[at : at+memberMaxLen : at+memberMaxLen]
	w0, w1, w2, w3 := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]),
		binary.LittleEndian.Uint64(b[16:]), binary.LittleEndian.Uint64(b[24:])
	if key.full > 0 && w0&key.masks[0] == key.words[0] && w1&key.masks[1] == key.words[1] &&
		w2&key.masks[2] == key.words[2] && w3&key.masks[3] == key.words[3] {
		key.matched = true
		v = span{kind: key.value.kind, start: at + key.value.start, end: at + key.value.end}
		return at + int(key.full), int(key.m), v, true
	}
	if key.n == 0 || w0&key.keyMasks[0] != key.keyWords[0] || w1&key.keyMasks[1] != key.keyWords[1] ||
		w2&key.keyMasks[2] != key.keyWords[2] || w3&key.keyMasks[3] != key.keyWords[3] {
		return -1, 0, v, false
	}
	return at + int(key.n), int(key.m), v, false
}

// learn makes the key at b[at], n bytes long and without escapes, of
// member m, the one known at place k; when the member, whose value is v,
// ends with a comma before b[next] (next > 0) and fits in memberMaxLen
// bytes, it is known whole.
func (s *attrScanner) learn(k, at, n, m int, v span, next int) {
	if k >= keysKnown || n >= memberMaxLen {
		return
	}
	size := n + 1
	if next > 0 && next-at <= memberMaxLen {
		size = next - at
	}
	var text [memberMaxLen]byte
	copy(text[:], s.b[at:at+size])
	kk := &s.keys[k]
	for w := range kk.words {
		word := binary.LittleEndian.Uint64(text[8*w:])
		kk.masks[w], kk.keyMasks[w] = wordMask(size-8*w), wordMask(n+1-8*w)
		kk.words[w], kk.keyWords[w] = word&kk.masks[w], word&kk.keyMasks[w]
	}
	kk.n, kk.m, kk.full, kk.matched = uint8(n), int8(m), 0, false
	if size > n+1 {
		kk.full = uint8(size)
		kk.value = span{kind: v.kind, start: v.start - at, end: v.end - at}
	}
}

// differs notes that the member at place k was found by its key alone:
// a whole member known there that was found again is learnt anew
// (relearn), one never found again is known by its key from then on.
func (s *attrScanner) differs(k int) (relearn bool) {
	kk := &s.keys[k]
	if kk.full == 0 {
		return false
	}
	if kk.matched {
		return true
	}
	kk.full = 0
	return false
}

// wordMask is the mask of the first n bytes (none when n <= 0, all 8
// when n >= 8) of a little-endian word.
func wordMask(n int) uint64 {
	if in := min(max(n, 0), 8); in > 0 {
		return ^uint64(0) >> (64 - 8*in)
	}
	return 0
}
