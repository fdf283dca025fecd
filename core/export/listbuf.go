package export

import (
	"errors"
	"io"
	"runtime"

	"github.com/cratos-project/cratos/internal/hugepage"
)

// Chunk sizes of a listBuffer: the first chunk is small so that small lists
// stay small; each next one doubles, up to the largest.
const (
	firstChunk = 4 << 10
	maxChunk   = 4 << 20
)

// listBuffer collects a rendered list, refusing to grow past max (a write
// that would is refused whole, with ErrRenderTooLarge). It holds the list
// in chunks that are never copied while it grows, and Bytes hands it over
// as one slice of exactly its length: a growing bytes.Buffer copies its
// contents at every growth, holds the old and the new array during each
// copy, and keeps up to a quarter or more of spare capacity afterwards,
// which a cached list would hold for its whole life.
//
// Given the list's previous build (reuse), it holds nothing while what is
// written is that list's start, and hands the previous list itself over
// when the new one is the same: a rebuild that changes nothing, the common
// case, then costs no second copy of a list that may be tens of
// megabytes.
type listBuffer struct {
	full [][]byte // filled chunks, in order
	cur  []byte   // the chunk being filled
	n    int64    // bytes held, or matched in prev
	max  int64
	// prev is the previous build while every byte written equals it;
	// nil once one differs, or without one.
	prev []byte
	// expected is the size the first chunk is made for.
	expected int
}

func (b *listBuffer) room(n int) error {
	if b.n+int64(n) > b.max {
		return ErrRenderTooLarge
	}
	return nil
}

// reuse gives the list's previous build. Bytes returns prev itself when
// the same bytes were written. Otherwise the first chunk is made large
// enough for a list of about its size, so that a list as large as its
// previous one, or a little smaller, is written in one chunk and handed
// over without a copy.
func (b *listBuffer) reuse(prev []byte) {
	if b.cur == nil && b.n == 0 {
		b.prev, b.expected = prev, len(prev)
	}
}

// matches reports whether p, written next, continues prev; if it does
// not, the part of prev matched so far becomes the start of the list.
func matches[T string | []byte](b *listBuffer, p T) bool {
	if b.prev == nil {
		return false
	}
	end := b.n + int64(len(p))
	if end <= int64(len(b.prev)) && string(b.prev[b.n:end]) == string(p) {
		return true
	}
	matched := b.prev[:b.n]
	b.prev, b.n = nil, 0
	if n := b.expected; n > firstChunk && int64(n) <= b.max {
		b.cur = make([]byte, 0, n+n/(2*spare))
	}
	_, _ = write(b, matched) // within max: it was counted once
	return false
}

// spare bounds the unused capacity a list may keep, as a fraction of its
// length (1/spare), when Bytes hands its one chunk over without a copy.
const spare = 128

// next makes a new chunk for at least n more bytes.
func (b *listBuffer) next(n int) {
	size := firstChunk
	if b.cur != nil {
		b.full = append(b.full, b.cur)
		size = min(2*cap(b.cur), maxChunk)
	}
	b.cur = make([]byte, 0, max(size, n))
}

func (b *listBuffer) Write(p []byte) (int, error) { return write(b, p) }

func (b *listBuffer) WriteString(s string) (int, error) { return write(b, s) }

// write appends p, filling the current chunk and making new ones as it
// goes.
func write[T string | []byte](b *listBuffer, p T) (int, error) {
	if err := b.room(len(p)); err != nil {
		return 0, err
	}
	if matches(b, p) {
		b.n += int64(len(p))
		return len(p), nil
	}
	for rest := p; len(rest) > 0; {
		if len(b.cur) == cap(b.cur) {
			b.next(0)
		}
		k := min(len(rest), cap(b.cur)-len(b.cur))
		b.cur = append(b.cur, rest[:k]...)
		rest = rest[k:]
	}
	b.n += int64(len(p))
	return len(p), nil
}

func (b *listBuffer) WriteByte(c byte) error {
	if err := b.room(1); err != nil {
		return err
	}
	if matches(b, []byte{c}) {
		b.n++
		return nil
	}
	if len(b.cur) == cap(b.cur) {
		b.next(1)
	}
	b.cur = append(b.cur, c)
	b.n++
	return nil
}

// ReadFrom reads through Write so the bound holds.
func (b *listBuffer) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	p := make([]byte, 32<<10)
	for {
		n, err := r.Read(p)
		if n > 0 {
			if _, werr := b.Write(p[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return total, nil
			}
			return total, err
		}
	}
}

// Len returns the bytes held.
func (b *listBuffer) Len() int { return int(b.n) }

// Bytes returns the list as one slice of its length (with at most
// 1/spare of it unused beyond, when the first chunk was made from a
// size expected and the list filled it), or the previous build when it
// is the same, and empties the buffer; the chunks are let go as they are
// copied.
func (b *listBuffer) Bytes() []byte {
	if b.prev != nil {
		out := b.prev[:b.n:b.n]
		if len(out) < len(b.prev) {
			out = append(make([]byte, 0, len(out)), out...) // a shorter list: its own copy
		}
		b.prev, b.n = nil, 0
		return out
	}
	if len(b.full) == 0 && cap(b.cur)-len(b.cur) <= len(b.cur)/spare {
		out := b.cur
		b.cur, b.n = nil, 0
		return out
	}
	if b.n >= collectAt {
		runtime.GC()
	}
	out := make([]byte, 0, b.n)
	hugepage.Back(out)
	for i, c := range b.full {
		out = append(out, c...)
		b.full[i] = nil
	}
	out = append(out, b.cur...)
	b.full, b.cur, b.n = nil, nil, 0
	return out
}

// collectAt is the size of a list put together from chunks at which
// Bytes runs the collector before it makes the copy. The copy is an
// allocation as large as the list: made on a heap already grown towards
// the collector's goal, it usually started a collection that found both
// the chunks and the copy live, and the next goal was set at twice both,
// so one first build of a 75 MB list let the process's resident size
// pass what it holds by some 150 MB for the builds after it. Collected
// first, the heap holds only what is live and the chunks; the copy fits
// under the goal, and the goal after it is set from what is really held.
// The price is one collection per such build (BENCHMARKS.md).
const collectAt = 16 << 20
