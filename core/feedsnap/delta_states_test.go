package feedsnap

import (
	"maps"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// What the event index said of each event travels with a delta, so a
// process that loads a shared snapshot refreshes it as its reader would:
// states added, changed and dropped arrive; unchanged ones are not sent.
func TestDeltaCarriesEventStates(t *testing.T) {
	attr := func(event int64, uuid string) Event {
		e, err := NewEvent([]indicator.Attribute{{Type: "ip-dst", Value: "192.0.2.1", UUID: uuid, EventID: event, Timestamp: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	old := &Snapshot{
		events: map[int64]Event{1: attr(1, "a"), 2: attr(2, "b"), 3: attr(3, "c")},
		states: map[int64]eventState{1: {tags: "t1", ts: 10}, 2: {tags: "t2", ts: 20, afterRead: true}, 3: {tags: "t3", ts: 30}},
		Read:   time.Unix(100, 0), Attributes: 3,
	}
	next := &Snapshot{
		events: map[int64]Event{1: attr(1, "a"), 2: attr(2, "b"), 4: attr(4, "d"), 5: attr(5, "e")},
		states: map[int64]eventState{1: {tags: "t1", ts: 10}, 2: {tags: "t2,new", ts: 25},
			4: {tags: "t4", ts: 40, afterRead: true, uuid: "5f1e2d3c-0000-4000-8000-00000000000a"}, 5: {tags: "t5", ts: 50, uuid: "not-a-uuid"}},
		Read: time.Unix(200, 0), Attributes: 4,
	}
	tests := []struct {
		name     string
		from, to *Snapshot
		sent     int
	}{
		{"whole", nil, next, 4},
		{"changes", old, next, 3},
		{"nothing changed", next, next, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Changes(tc.from, tc.to)
			if len(d.States) != tc.sent {
				t.Errorf("delta sends %d states, want %d", len(d.States), tc.sent)
			}
			wire, err := d.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			back, err := UnmarshalDelta(wire)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tc.from.Apply(back)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got.states, tc.to.states) {
				t.Fatalf("states after the delta %v, want %v", got.states, tc.to.states)
			}
		})
	}
}
