package ioc

import (
	"encoding/hex"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PlainText reports whether s is valid UTF-8 without control characters
// (C0, DEL, C1), the text a one-line CSV field or a feed value may hold.
func PlainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			rest := s[i:]
			return utf8.ValidString(rest) && !strings.ContainsFunc(rest, unicode.IsControl)
		}
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// HasControl reports whether s holds a C0 control character or DEL.
// Bytes from 0x80 on, C1 controls and invalid UTF-8 included, are not
// looked at: PlainText checks those too.
func HasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// OneLine returns s with control characters and invalid UTF-8 replaced
// by spaces.
func OneLine(s string) string {
	if PlainText(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
}

// AppendName appends prefix and the first 24 hex digits of the 128-bit
// FNV-1a hash of a, a NUL and b: a short name that stays the same for the
// same a and b, as feeds that name their records need.
func AppendName(dst []byte, prefix, a, b string) []byte {
	hi, lo := uint64(0x6c62272e07bb0142), uint64(0x62b821756295c58d)
	step := func(c byte) {
		lo ^= uint64(c)
		// h *= 2^88 + 0x13b, modulo 2^128
		mh, ml := bits.Mul64(lo, 0x13b)
		hi = mh + hi*0x13b + lo<<24
		lo = ml
	}
	for i := 0; i < len(a); i++ {
		step(a[i])
	}
	step(0)
	for i := 0; i < len(b); i++ {
		step(b[i])
	}
	var sum [16]byte
	for i := range 8 {
		sum[i] = byte(hi >> (56 - 8*i))
		sum[8+i] = byte(lo >> (56 - 8*i))
	}
	dst = append(dst, prefix...)
	return hex.AppendEncode(dst, sum[:12])
}

// AppendCSVField appends s as one RFC 4180 field: quoted, with inner
// quotes doubled, when it holds a comma, a quote, CR or LF or starts with
// a space (as encoding/csv writes it).
func AppendCSVField[S ~string | ~[]byte](dst []byte, s S) []byte {
	quote := len(s) > 0 && s[0] == ' '
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			quote = true
		}
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// OneLineBytes replaces control characters and invalid UTF-8 in b by
// spaces, in place when b is ASCII.
func OneLineBytes(b []byte) []byte {
	for i, c := range b {
		switch {
		case c >= utf8.RuneSelf:
			if s := string(b); !PlainText(s) {
				return append(b[:0], OneLine(s)...)
			}
			return b
		case c < 0x20 || c == 0x7f:
			b[i] = ' '
		}
	}
	return b
}

// Keeper keeps the max items with the newest timestamps of a stream, ties
// going to the earlier item, in a heap of at most max items.
type Keeper[T any] struct {
	max      int
	seq      int
	replaced int
	items    []kept[T]
	at       map[int]int // index in items of each tracked item, by id
}

type kept[T any] struct {
	x       T
	ts      int64
	seq     int
	tracked bool
}

// NewKeeper returns a Keeper of the max newest items; max ≤ 0 keeps all.
func NewKeeper[T any](max int) *Keeper[T] { return &Keeper[T]{max: max} }

// worse reports whether a ranks below b: older, or as old and later.
func worse[T any](a, b kept[T]) bool { return a.ts < b.ts || a.ts == b.ts && a.seq > b.seq }

// Add offers x with timestamp ts.
func (k *Keeper[T]) Add(x T, ts int64) { k.add(kept[T]{x: x, ts: ts}) }

// Track offers x with timestamp ts, as Add does, and returns the id by
// which Replace replaces it.
func (k *Keeper[T]) Track(x T, ts int64) (id int) {
	if k.at == nil {
		k.at = map[int]int{}
	}
	id = k.seq
	k.add(kept[T]{x: x, ts: ts, tracked: true})
	return id
}

func (k *Keeper[T]) add(it kept[T]) {
	it.seq = k.seq
	k.seq++
	if k.max <= 0 || len(k.items) < k.max {
		k.items = append(k.items, it)
		k.place(len(k.items) - 1)
		if k.max > 0 {
			k.up(len(k.items) - 1)
		}
		return
	}
	if !worse(k.items[0], it) {
		return
	}
	delete(k.at, k.items[0].seq)
	k.items[0] = it
	k.place(0)
	k.down(0)
}

// Replace offers x with timestamp ts, which must be newer than the
// tracked item id, in place of that item: the item is withdrawn (neither
// kept nor counted as dropped) and x is tracked under the id returned.
// Every item the Keeper let go ranks below the withdrawn one, so none of
// them would have been kept instead of x.
func (k *Keeper[T]) Replace(id int, x T, ts int64) int {
	k.remove(id)
	return k.Track(x, ts)
}

func (k *Keeper[T]) remove(id int) {
	k.replaced++
	i, ok := k.at[id]
	if !ok {
		return // already let go
	}
	last := len(k.items) - 1
	k.swap(i, last)
	k.items = k.items[:last]
	delete(k.at, id)
	if i < last && k.max > 0 {
		k.down(i)
		k.up(i)
	}
}

// place records where a tracked item sits.
func (k *Keeper[T]) place(i int) {
	if k.items[i].tracked {
		k.at[k.items[i].seq] = i
	}
}

func (k *Keeper[T]) swap(i, j int) {
	k.items[i], k.items[j] = k.items[j], k.items[i]
	k.place(i)
	k.place(j)
}

func (k *Keeper[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(k.items[i], k.items[p]) {
			return
		}
		k.swap(i, p)
		i = p
	}
}

func (k *Keeper[T]) down(i int) {
	n := len(k.items)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && worse(k.items[r], k.items[l]) {
			m = r
		}
		if !worse(k.items[m], k.items[i]) {
			return
		}
		k.swap(i, m)
		i = m
	}
}

// Dropped is the number of items offered, not replaced and not kept.
func (k *Keeper[T]) Dropped() int { return k.seq - k.replaced - len(k.items) }

// Items returns the kept items in the order they were offered.
func (k *Keeper[T]) Items() []T {
	its := k.items
	if k.max > 0 || k.replaced > 0 {
		sortBySeq(its)
	}
	out := make([]T, len(its))
	for i, it := range its {
		out[i] = it.x
	}
	return out
}
