package feedsnap

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// Delta is what turns one snapshot of a feed into a later one, event by
// event: the events whose attributes changed (held whole, as the later
// snapshot holds them) and the events it no longer holds. Processes
// sharing a feed's reads pass deltas between them (wire.go): a whole
// snapshot is the delta from an empty one.
type Delta struct {
	// Read is the later snapshot's read time.
	Read time.Time
	// Events are the events added or changed, each attribute list sorted
	// by uuid.
	Events map[int64][]indicator.Attribute
	// Dropped are the ids of the events the later snapshot no longer
	// holds, in order.
	Dropped []int64
	// Attributes is how many attributes the later snapshot holds, which
	// Apply checks.
	Attributes int
}

// Changes returns the delta that turns old into next. A nil old is an
// empty snapshot: the delta then holds every event of next.
func Changes(old, next *Snapshot) Delta {
	d := Delta{Read: next.Read, Events: map[int64][]indicator.Attribute{}, Attributes: next.Attributes}
	for id, attrs := range next.events {
		if old == nil || !sameEvent(old.events[id], attrs) {
			d.Events[id] = attrs
		}
	}
	if old != nil {
		for id := range old.events {
			if _, ok := next.events[id]; !ok {
				d.Dropped = append(d.Dropped, id)
			}
		}
	}
	slices.Sort(d.Dropped)
	return d
}

// sameEvent reports whether two attribute lists of an event are equal:
// at once when a refresh kept the list it had, else field by field.
func sameEvent(a, b []indicator.Attribute) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return slices.Equal(a, b)
}

// Apply returns s changed by d; a nil s is an empty snapshot. It fails,
// returning nil, when the result does not hold the attributes d says it
// does (d was made from another snapshot than s) or when an event of d is
// empty or not sorted by uuid.
func (s *Snapshot) Apply(d Delta) (*Snapshot, error) {
	events := map[int64][]indicator.Attribute{}
	if s != nil {
		events = maps.Clone(s.events)
	}
	for _, id := range d.Dropped {
		delete(events, id)
	}
	for id, attrs := range d.Events {
		if len(attrs) == 0 || !slices.IsSortedFunc(attrs, byUUID) {
			return nil, fmt.Errorf("feedsnap: delta event %d is empty or unsorted", id)
		}
		events[id] = attrs
	}
	out := &Snapshot{events: events, Read: d.Read}
	for _, attrs := range events {
		out.Attributes += len(attrs)
	}
	if out.Attributes != d.Attributes {
		return nil, fmt.Errorf("feedsnap: delta gives %d attributes, want %d: it was made from another snapshot", out.Attributes, d.Attributes)
	}
	return out, nil
}

func byUUID(a, b indicator.Attribute) int { return cmp.Compare(a.UUID, b.UUID) }
