package indicator

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkDraftList makes the list of a draft of two million IPv4
// addresses with UUIDs, written in two parts in no order, about half of
// them repeated, as a large ipv4 list's cold build does once the feed is
// read: the sort, its de-duplication and the List.
func BenchmarkDraftList(b *testing.B) {
	const n = 1 << 21
	r := rand.New(rand.NewPCG(1, 2))
	ins := make([]Indicator, n)
	mispTypes := []string{"ip-dst", "ip-src", "ip-dst|port"}
	for i := range ins {
		a := r.Uint32N(n)
		ins[i] = Indicator{Type: IPv4, Value: fmt.Sprintf("10.%d.%d.%d", a>>16&255, a>>8&255, a&255),
			UUID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), MISPType: mispTypes[i%3], Category: "Network activity",
			EventID: int64(i / 1000), Timestamp: int64(1_700_000_000 + i)}
	}
	for b.Loop() {
		b.StopTimer()
		d := NewDrafting([]int{n / 2, n / 2}, true)
		for i, in := range ins {
			d.Part(i * 2 / n).Add(in)
		}
		draft := d.Draft()
		b.StartTimer()
		if _, err := draft.List(nil); err != nil {
			b.Fatal(err)
		}
	}
}
