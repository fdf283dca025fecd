package export

import (
	"strconv"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// A list of collectLargeListAt indicators or more (here 64) is followed
// by a collection once sorted and another once made compact; a shorter
// one by none.
func TestCollectionsOfALargeList(t *testing.T) {
	collections := 0
	ipv4, _ := indicator.LookupDataType("ipv4")
	s := New(Options{})
	if s.collect.at != collectLargeListAt {
		t.Fatalf("a service collects for lists of %d indicators, want %d", s.collect.at, collectLargeListAt)
	}
	s.collect = collection{at: 64, run: func() { collections++ }}
	for _, tc := range []struct {
		n, collections int
	}{{63, 0}, {64, 2}, {200, 2}} {
		ins := make([]indicator.Indicator, tc.n)
		for i := range ins {
			ins[i] = indicator.Indicator{Type: indicator.IPv4, Value: "192.0.2." + strconv.Itoa(i)} // distinct: n < 256
		}
		var st indicator.Stats
		before := collections
		kept, _, err := s.finishExtract(Request{Site: &config.Site{}, DataType: ipv4}, ins, &st)
		if ran := collections - before; err != nil || ran != tc.collections || kept.Len() != tc.n {
			t.Errorf("%d indicators: %d kept (%v), %d collections, want %d", tc.n, kept.Len(), err, ran, tc.collections)
		}
	}
}
