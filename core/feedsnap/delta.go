package feedsnap

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Delta is what turns one snapshot of a feed into a later one, event by
// event: the events whose attributes changed (held whole, as the later
// snapshot holds them) and the events it no longer holds. Processes
// sharing a feed's reads pass deltas between them (wire.go): a whole
// snapshot is the delta from an empty one.
type Delta struct {
	// Read and MISPStart are the later snapshot's, and so is tags.
	Read, MISPStart time.Time
	tags            feedTags
	// Events are the events added or changed.
	Events map[int64]Event
	// Dropped are the ids of the events the later snapshot no longer
	// holds, in order.
	Dropped []int64
	// Attributes is how many attributes the later snapshot holds, which
	// Apply checks.
	Attributes int
	// States are what the event index said of events (their tags and
	// timestamp), where the later snapshot's differ from the earlier's;
	// StatesDropped the ids of the events whose state it no longer has,
	// in order. A refresh compares them with the index's next answer.
	States        map[int64]eventState
	StatesDropped []int64
}

// Changes returns the delta that turns old into next. A nil old is an
// empty snapshot: the delta then holds every event of next.
func Changes(old, next *Snapshot) Delta {
	d := Delta{Read: next.Read, MISPStart: next.MISPStart, tags: next.tags, Events: map[int64]Event{}, Attributes: next.Attributes}
	for id, e := range next.events {
		if old == nil || !sameEvent(old.events[id], e) {
			d.Events[id] = e
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
	d.States, d.StatesDropped = stateChanges(old, next)
	return d
}

// stateChanges returns the event states next has that old has not (or
// has otherwise), and the ids of those old has that next has not.
func stateChanges(old, next *Snapshot) (map[int64]eventState, []int64) {
	var oldStates map[int64]eventState
	if old != nil {
		oldStates = old.states
	}
	changed := map[int64]eventState{}
	for id, st := range next.states {
		if was, ok := oldStates[id]; !ok || was != st {
			changed[id] = st
		}
	}
	var dropped []int64
	for id := range oldStates {
		if _, ok := next.states[id]; !ok {
			dropped = append(dropped, id)
		}
	}
	slices.Sort(dropped)
	return changed, dropped
}

// Apply returns s changed by d; a nil s is an empty snapshot. It fails,
// returning nil, when the result does not hold the attributes d says it
// does (d was made from another snapshot than s) or when an event of d is
// empty or not sorted by uuid.
func (s *Snapshot) Apply(d Delta) (*Snapshot, error) {
	events := map[int64]Event{}
	if s != nil {
		events = maps.Clone(s.events)
	}
	for _, id := range d.Dropped {
		delete(events, id)
	}
	for id, e := range d.Events {
		if e.Len() == 0 || !e.sortedByUUID() {
			return nil, fmt.Errorf("feedsnap: delta event %d is empty or unsorted", id)
		}
		events[id] = e
	}
	states := map[int64]eventState{}
	if s != nil {
		states = maps.Clone(s.states)
	}
	for _, id := range d.StatesDropped {
		delete(states, id)
	}
	maps.Copy(states, d.States)
	out := &Snapshot{events: events, states: states, Read: d.Read, MISPStart: d.MISPStart, tags: d.tags}
	for _, e := range events {
		out.Attributes += e.Len()
	}
	if out.Attributes != d.Attributes {
		return nil, fmt.Errorf("feedsnap: delta gives %d attributes, want %d: it was made from another snapshot", out.Attributes, d.Attributes)
	}
	return out, nil
}
