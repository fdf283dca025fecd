package indicator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// A draft written in parts, some outgrowing their place, makes the list
// that Normalize and NewList make of the same indicators, whatever parts
// they were written in.
func TestDraftListIsNormalize(t *testing.T) {
	for _, withUUIDs := range []bool{false, true} {
		t.Run(fmt.Sprintf("uuids %v", withUUIDs), func(t *testing.T) { testDraftListIsNormalize(t, withUUIDs) })
	}
}

// A draft entry takes 32 bytes, as Drafting's doc says.
func TestDraftEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(draftEntry{}); n != 32 {
		t.Errorf("a draft entry takes %d bytes, want 32", n)
	}
}

func testDraftListIsNormalize(t *testing.T, withUUIDs bool) {
	types := [][2]string{{"ip-dst", "Network activity"}, {"ip-src", "Network activity"}, {"domain|ip", "External analysis"}, {"", ""}}
	for _, tc := range []struct {
		name       string
		room, take []int // each part's room, and how many it is given, in turn
	}{
		{"empty", []int{0}, []int{0}},
		{"one part", []int{50}, []int{50}},
		{"parts in their places", []int{100, 100, 100}, []int{100, 100, 100}},
		{"parts short of their places", []int{100, 100, 100}, []int{80, 0, 99}},
		{"a part outgrows its place", []int{90, 120, 90}, []int{120, 90, 90}},
		{"large, in halves", []int{normalizeHalvesMin/2 + 40, normalizeHalvesMin/2 + 37}, []int{normalizeHalvesMin/2 + 40, normalizeHalvesMin/2 + 37}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			for _, k := range tc.take {
				n += k
			}
			r := rand.New(rand.NewPCG(uint64(n), 7))
			ins := make([]Indicator, n)
			for i := range ins {
				nm := types[r.IntN(len(types))]
				ins[i] = Indicator{Type: IPv4, Value: fmt.Sprintf("198.51.%d.%d", r.IntN(4), r.IntN(256)), MISPType: nm[0], Category: nm[1],
					EventID: int64(r.IntN(5)), Timestamp: int64(r.IntN(3)), ToIDS: r.IntN(2) == 0}
				if r.IntN(10) == 0 {
					ins[i].Type, ins[i].Value = Domain, fmt.Sprintf("d%d.example", r.IntN(50))
				}
				// Event ids and timestamps that do not fit 32 bits, which
				// the draft keeps aside.
				switch r.IntN(50) {
				case 0:
					ins[i].Timestamp = 1 << 40
				case 1:
					ins[i].EventID = -3
				case 2:
					ins[i].EventID, ins[i].Timestamp = 1<<32, math.MaxUint32
				}
				if withUUIDs && r.IntN(20) != 0 {
					// Duplicates differ by UUID too; Normalize keeps the
					// better one's.
					ins[i].UUID = fmt.Sprintf("%08x-0000-4000-8000-000000000000", r.IntN(1<<20))
				}
			}
			d := NewDrafting(tc.room, withUUIDs)
			rest := ins
			for k, m := range tc.take {
				for _, in := range rest[:m] {
					d.Part(k).Add(in)
				}
				rest = rest[m:]
			}
			sorted := 0
			got, err := d.Draft().List(func() { sorted++ })
			if err != nil {
				t.Fatal(err)
			}
			want, err := NewList(Normalize(append([]Indicator(nil), ins...)))
			if err != nil {
				t.Fatal(err)
			}
			if sorted != 1 || got.Len() != want.Len() {
				t.Fatalf("%d indicators kept, want %d (sorted called %d times)", got.Len(), want.Len(), sorted)
			}
			for i := range want.Len() {
				if got.At(i) != want.At(i) {
					t.Fatalf("indicator %d is %+v, want %+v", i, got.At(i), want.At(i))
				}
			}
		})
	}
}
