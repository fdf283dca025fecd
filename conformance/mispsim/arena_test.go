package mispsim

import (
	"bytes"
	"testing"
)

// The arena's chunks start small and double up to arenaChunk; every
// attribute is found where add said, followed by a comma, and one larger
// than a chunk gets a chunk of its own size.
func TestArenaChunksGrowAndHoldEveryAttribute(t *testing.T) {
	var a arena
	type placed struct {
		chunk, off uint32
		b          []byte
	}
	var all []placed
	add := func(b []byte) {
		c, off := a.add(b)
		all = append(all, placed{c, off, b})
	}
	// Past arenaFirst+…+arenaChunk bytes, so that the doubling stops.
	pattern := make([]byte, 70000)
	for i := range pattern {
		pattern[i] = byte('a' + i%26)
	}
	for i := range 1300 {
		add(pattern[i%26 : 50000+i%9973])
	}
	add(bytes.Repeat([]byte{'z'}, arenaChunk+10))
	add([]byte("after"))

	want := arenaFirst
	for i, c := range a.chunks[:len(a.chunks)-2] {
		if cap(c) != want {
			t.Fatalf("chunk %d holds %d bytes, want %d", i, cap(c), want)
		}
		want = min(arenaChunk, 2*want)
	}
	if big := a.chunks[len(a.chunks)-2]; cap(big) != arenaChunk+11 {
		t.Errorf("the chunk of the large attribute holds %d bytes, want %d", cap(big), arenaChunk+11)
	}
	if last := a.chunks[len(a.chunks)-1]; cap(last) != arenaChunk {
		t.Errorf("the chunk after the large attribute holds %d bytes, want %d", cap(last), arenaChunk)
	}
	for i, p := range all {
		got := a.chunks[p.chunk][p.off : p.off+uint32(len(p.b))+1]
		if !bytes.Equal(got[:len(p.b)], p.b) || got[len(p.b)] != ',' {
			t.Fatalf("attribute %d: not found at chunk %d offset %d", i, p.chunk, p.off)
		}
	}
}
