package feedsnap

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// wideTimestamps are timestamps a record holds in its text, beside ones
// it holds in its 32 bits.
var wideTimestamps = []int64{-1, math.MinInt64, math.MaxInt64, math.MaxUint32 + 1, 1 << 40}

// A timestamp that does not fit 32 unsigned bits is held in the text and
// read back exactly: alone (no value, no uuid), after a value and a
// packed or plain uuid, through a full read's store, and through the
// wire; the age filter compares it as the number it is.
func TestTimestampsOfEveryWidth(t *testing.T) {
	const uuid = "5f0c7c4e-1c2b-4d3e-9f00-0123456789"
	var attrs []indicator.Attribute
	for k, ts := range append([]int64{0, 1, 1_700_000_000, math.MaxUint32}, wideTimestamps...) {
		for j, shape := range []indicator.Attribute{{}, {Value: "192.0.2.1"}, {Value: "bad.example", UUID: uuid + "0" + string(rune('a'+k))}, {UUID: "not-a-uuid-" + string(rune('a'+k))}} {
			shape.Timestamp, shape.Type, shape.ToIDS = ts, "ip-dst", j%2 == 0
			attrs = append(attrs, shape)
		}
	}
	e, err := packEvent(attrs)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range attrs {
		if got := e.Attr(0, i); got != want {
			t.Errorf("attribute %d read back as %+v, want %+v", i, got, want)
		}
	}

	// A full read puts each part's slabs after the others'.
	p1, p2 := newPart(), newPart()
	for i, a := range attrs {
		a.EventID = int64(1 + i%2)
		[]*part{p1, p2}[i%2].add(a)
	}
	events, err := joinParts([]*part{p1, p2})
	if err != nil {
		t.Fatal(err)
	}
	s := newSnapshot(events, time.Unix(0, 0))
	counts := map[int64]int{}
	for _, a := range attrs {
		counts[a.Timestamp]++
	}
	for _, a := range eachOf(s) {
		counts[a.Timestamp]--
	}
	for ts, n := range counts {
		if n != 0 {
			t.Errorf("timestamp %d: %d more in than read back from the snapshot", ts, n)
		}
	}

	// The wire keeps them: the snapshot applied from it equals the one sent.
	wire, err := Changes(nil, s).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalDelta(wire)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := (*Snapshot)(nil).Apply(back)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := eachOf(applied), eachOf(s); !slices.Equal(got, want) {
		t.Errorf("through the wire:\n%v\nwant\n%v", got, want)
	}

	// The age filter: 0 is every age; a negative timestamp is older than
	// any positive age.
	for _, tc := range []struct {
		since int64
		want  int
	}{
		{math.MinInt64, 36},
		{1, 28},                  // all but -1 and MinInt64
		{math.MaxUint32 + 1, 16}, // 0, MaxUint32+1, 1<<40 and MaxInt64
	} {
		if n := s.Count(Selection{Types: []string{"ip-dst"}, Since: tc.since}); n != tc.want {
			t.Errorf("since %d: %d attributes selected, want %d", tc.since, n, tc.want)
		}
	}
}

// eachOf is every attribute of s, in Each's order.
func eachOf(s *Snapshot) []indicator.Attribute {
	var out []indicator.Attribute
	s.Each(func(a indicator.Attribute) { out = append(out, a) })
	return out
}
