// Package binread reads the compact binary forms Cratos keeps in memcached
// and on disk: varints, lengths and length-prefixed bytes. A Reader never
// panics and never allocates more than its input can hold; after its first
// failure every read returns a zero value and Failed reports it, so a
// decoder checks once, at the end.
package binread

import "encoding/binary"

// Reader reads from a byte slice. The zero value reads nothing.
type Reader struct {
	b      []byte
	failed bool
}

// New returns a Reader of b; what it returns aliases b.
func New(b []byte) Reader { return Reader{b: b} }

// Failed reports whether a read has failed.
func (r *Reader) Failed() bool { return r.failed }

// Fail marks the input as bad: every later read returns a zero value.
func (r *Reader) Fail() { r.failed, r.b = true, nil }

// Len is how many bytes are left.
func (r *Reader) Len() int { return len(r.b) }

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 { return varint(r, binary.Uvarint) }

// Varint reads a signed varint.
func (r *Reader) Varint() int64 { return varint(r, binary.Varint) }

// varint reads a varint with decode, binary.Uvarint or binary.Varint.
func varint[T uint64 | int64](r *Reader, decode func([]byte) (T, int)) T {
	v, n := decode(r.b)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Count reads a length (an unsigned varint) that the remaining bytes can
// hold at one byte an item, so a corrupt count allocates nothing large.
func (r *Reader) Count() int { return r.CountOf(1) }

// CountOf reads a count of items that take at least size bytes each (at
// least 1): a count the remaining bytes cannot hold fails the reader, so
// what a corrupt count allocates stays within a small multiple of the
// input.
func (r *Reader) CountOf(size int) int {
	v := r.Uvarint()
	if v > uint64(len(r.b)/max(size, 1)) {
		r.Fail()
		return 0
	}
	return int(v)
}

// Next reads n bytes.
func (r *Reader) Next(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.Fail()
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if b := r.Next(1); b != nil {
		return b[0]
	}
	return 0
}

// Bytes reads a length, then that many bytes.
func (r *Reader) Bytes() []byte { return r.Next(r.Count()) }

// String reads a length, then that many bytes as a string.
func (r *Reader) String() string { return string(r.Bytes()) }

// AppendString appends s's length as an unsigned varint, then s: what
// String reads.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
