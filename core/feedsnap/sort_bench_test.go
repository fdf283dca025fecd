package feedsnap

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

// BenchmarkSortUnique sorts events of 1,000 attributes with random uuids,
// as MISP sends them, by uuid:
//
//	go test ./core/feedsnap -run '^$' -bench SortUnique
func BenchmarkSortUnique(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	attrs := make([]indicator.Attribute, 1000)
	for i := range attrs {
		attrs[i] = indicator.Attribute{Value: fmt.Sprint(i), Timestamp: int64(i),
			UUID: fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<16), rng.Int64N(1<<48))}
	}
	e, err := packEvent(attrs)
	if err != nil {
		b.Fatal(err)
	}
	misp := e.recs
	e.recs = make([]rec, len(misp))
	var sorter uuidSorter
	for b.Loop() {
		copy(e.recs, misp)
		sorter.sortUnique(e)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(misp)), "ns/attribute")
}
