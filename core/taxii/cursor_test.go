package taxii

import (
	"testing"
	"time"
)

// TestNextOfAnotherCollection: a next value is a position in one
// collection's history. OpenCTI's taxii2 connector, polling every
// collection of an API root, sends the next of the last collection it
// paged to the following ones: read as a position there, it skipped
// every object added before it. Another collection's next is ignored,
// and the page starts where the other filters put it.
func TestNextOfAnotherCollection(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	other := NewCollection(CollectionID("misp.example.net", "any"))
	c := NewCollection(testID)
	apply(t, c, t0, nil, ips(0, 5)...)                       // date_added t0
	apply(t, other, t0.Add(time.Minute), nil, ips(0, 20)...) // t0+1m
	e, _ := decode(t, mustObjects(t, other, "limit=10", ""))
	if !e.More {
		t.Fatal("the other collection has one page")
	}
	own, _ := decode(t, mustObjects(t, c, "limit=3", ""))
	tests := []struct {
		name, query string
		want        int
	}{
		{"another collection's next", "limit=10&next=" + e.Next, 6}, // identity and 5 indicators
		{"with added_after", "limit=10&added_after=2026-12-01T09:00:00Z&next=" + e.Next, 6},
		{"its own next", "limit=10&next=" + own.Next, 3},
		{"its own next, v1 form", "limit=10&next=" + v1Cursor(t, own.Next), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, objs := decode(t, mustObjects(t, c, tt.query, ""))
			if len(objs) != tt.want {
				t.Fatalf("%d objects, want %d: %v", len(objs), tt.want, objs)
			}
		})
	}
}

// v1Cursor returns next in the form without a collection that earlier
// versions issued: clients paging across an upgrade still hold one.
func v1Cursor(t *testing.T, next string) string {
	t.Helper()
	k, ok := parseCursor(next)
	if !ok {
		t.Fatalf("next %q", next)
	}
	k.coll = ""
	return k.String()
}
