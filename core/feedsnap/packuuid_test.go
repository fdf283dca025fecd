package feedsnap

import (
	"math/rand/v2"
	"testing"
)

// packUUIDByTable is packUUID as a loop over where each byte's two hex
// digits start.
func packUUIDByTable(s string) (out [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return out, false
	}
	bad := byte(0)
	for k, at := range [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34} {
		hi, lo := nibbles[s[at]], nibbles[s[at+1]]
		bad |= hi | lo
		out[k] = hi<<4 | lo&0xf
	}
	return out, bad&0x10 == 0
}

// TestPackUUIDPlaces compares packUUID with packUUIDByTable for uuids
// with every byte value at every place, and random ones.
func TestPackUUIDPlaces(t *testing.T) {
	const base = "5f0c7c4e-1c2b-4d3e-9f00-0123456789ab"
	check := func(s string) {
		got, gotOK := packUUID(s)
		want, wantOK := packUUIDByTable(s)
		if got != want || gotOK != wantOK {
			t.Fatalf("packUUID(%q) = %x, %v; want %x, %v", s, got, gotOK, want, wantOK)
		}
	}
	for at := range len(base) {
		for c := range 256 {
			b := []byte(base)
			b[at] = byte(c)
			check(string(b))
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	const alphabet = "0123456789abcdefABCDEF-g"
	for range 100_000 {
		b := []byte(base)
		for i := range b {
			if rng.IntN(3) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		check(string(b))
	}
}

// BenchmarkPackUUID packs a uuid in MISP's form.
func BenchmarkPackUUID(b *testing.B) {
	for b.Loop() {
		if _, ok := packUUID("5f0c7c4e-1c2b-4d3e-9f00-0123456789ab"); !ok {
			b.Fatal("not packed")
		}
	}
}
