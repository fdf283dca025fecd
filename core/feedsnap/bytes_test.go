package feedsnap

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// Bytes counts every record (20 bytes), each store's text once however many events
// use it, the tags' text and perEvent an event.
func TestSnapshotBytes(t *testing.T) {
	const uuid = "5f0c7c4e-1c2b-4d3e-9f00-0123456789a"
	one, err := NewEvent([]indicator.Attribute{{Value: "192.0.2.1", UUID: uuid + "b"}, {Value: "bad.example", UUID: uuid + "c"}})
	if err != nil {
		t.Fatal(err)
	}
	two, err := NewEvent([]indicator.Attribute{{Value: "evil.example", UUID: "not-a-uuid"}})
	if err != nil {
		t.Fatal(err)
	}
	// An event sharing the store of the first, as a refresh leaves one
	// whose attributes did not change.
	shared := Event{recs: one.recs[:1], st: one.st}
	text1 := int64(len("192.0.2.1") + 16 + len("bad.example") + 16)
	text2 := int64(len("evil.example") + len("not-a-uuid"))
	tests := []struct {
		name   string
		events map[int64]Event
		states map[int64]eventState
		want   int64
	}{
		{"empty", map[int64]Event{}, nil, 0},
		{"one event", map[int64]Event{1: one}, nil, 2*20 + text1 + perEvent},
		{"two stores", map[int64]Event{1: one, 2: two}, nil, 3*20 + text1 + text2 + 2*perEvent},
		{"a store shared by two events, counted once", map[int64]Event{1: one, 3: shared}, nil, 3*20 + text1 + 2*perEvent},
		{"tags", map[int64]Event{2: two}, map[int64]eventState{2: {tags: "tlp:red\x00incident"}}, 20 + text2 + perEvent + int64(len("tlp:red\x00incident"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := rebuilt(tc.events, tc.states, time.Unix(0, 0))
			if got := s.Bytes(); got != tc.want {
				t.Errorf("Bytes %d, want %d", got, tc.want)
			}
		})
	}
}

// BytesBeside leaves out the records and stores of the events a refreshed
// snapshot shares with the one it replaced, and counts each map entry and
// what is not shared: the events dropped, and one rebuilt with the same
// attributes in a store of its own.
func TestSnapshotBytesBeside(t *testing.T) {
	const uuid = "5f0c7c4e-1c2b-4d3e-9f00-0123456789a"
	attrs := []indicator.Attribute{{Value: "192.0.2.1", UUID: uuid + "b"}, {Value: "bad.example", UUID: uuid + "c"}}
	one, err := NewEvent(attrs)
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewEvent(attrs)
	if err != nil {
		t.Fatal(err)
	}
	two, err := NewEvent([]indicator.Attribute{{Value: "evil.example", UUID: "not-a-uuid"}})
	if err != nil {
		t.Fatal(err)
	}
	text2 := int64(len("evil.example") + len("not-a-uuid"))
	former := rebuilt(map[int64]Event{1: one, 2: two}, nil, time.Unix(0, 0))
	tests := []struct {
		name  string
		other *Snapshot
		want  int64
	}{
		{"none", nil, former.Bytes()},
		{"event 2 dropped by a refresh", rebuilt(map[int64]Event{1: one}, nil, time.Unix(0, 0)), 20 + text2 + 2*perEvent},
		{"event 1 read again", rebuilt(map[int64]Event{1: again}, nil, time.Unix(0, 0)), former.Bytes()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := former.BytesBeside(tc.other); got != tc.want {
				t.Errorf("BytesBeside %d, want %d (Bytes %d)", got, tc.want, former.Bytes())
			}
		})
	}
}
