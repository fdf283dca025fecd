package export

import (
	"strconv"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// A list of collectAfterSortAt indicators or more (here 64) is followed
// by a collection once sorted; a shorter one is not.
func TestCollectionAfterALargeSort(t *testing.T) {
	collections := 0
	ipv4, _ := indicator.LookupDataType("ipv4")
	s := New(Options{})
	if s.collect.at != collectAfterSortAt {
		t.Fatalf("a service collects after sorting %d indicators, want %d", s.collect.at, collectAfterSortAt)
	}
	s.collect = collection{at: 64, run: func() { collections++ }}
	for _, tc := range []struct {
		n       int
		collect bool
	}{{63, false}, {64, true}, {200, true}} {
		ins := make([]indicator.Indicator, tc.n)
		for i := range ins {
			ins[i] = indicator.Indicator{Type: indicator.IPv4, Value: "192.0.2." + strconv.Itoa(i)} // distinct: n < 256
		}
		var st indicator.Stats
		before := collections
		kept, _ := s.finishExtract(Request{Site: &config.Site{}, DataType: ipv4}, ins, &st)
		if collected := collections > before; collected != tc.collect || len(kept) != tc.n {
			t.Errorf("%d indicators: %d kept, collected %v, want %v", tc.n, len(kept), collected, tc.collect)
		}
	}
}
