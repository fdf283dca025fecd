package indicator

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// A long list's halves are merged by ranges, one a core: whatever the
// number of ranges, the list kept is the reference's, duplicates that
// straddle a range's first key included.
func TestNormalizeRanges(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	in := make([]Indicator, 2*normalizeHalvesMin+7)
	for i := range in {
		in[i] = Indicator{Type: IPv4, Value: fmt.Sprintf("10.0.%d.%d", r.IntN(4), r.IntN(256)), UUID: fmt.Sprintf("u%03d", r.IntN(500)),
			Timestamp: int64(r.IntN(3)), EventID: int64(r.IntN(3))}
		switch r.IntN(4) {
		case 0:
			in[i].Type, in[i].Value = Domain, fmt.Sprintf("%c.example", 'a'+r.IntN(3))
		case 1:
			in[i].Type, in[i].Value = IPv4Net, fmt.Sprintf("10.0.%d.0/%d", r.IntN(4), 22+r.IntN(3))
		}
	}
	want := normalizeReference(in)
	for _, procs := range []int{2, 3, 8} {
		t.Run(fmt.Sprintf("%d cores", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			if got := Normalize(slices.Clone(in)); !slices.Equal(got, want) {
				t.Fatalf("got %d indicators, want %d", len(got), len(want))
			}
			d := NewDrafting([]int{len(in)}, true)
			for _, x := range in {
				d.Part(0).Add(x)
			}
			l, err := d.Draft().List(nil)
			if err != nil || !slices.Equal(l.Slice(), want) {
				t.Fatalf("the draft's list: %d indicators, %v; want %d", l.Len(), err, len(want))
			}
		})
	}
}
