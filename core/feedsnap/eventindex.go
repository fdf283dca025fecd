package feedsnap

import (
	"context"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/misp"
)

// readEvents runs one event index request.
func readEvents(ctx context.Context, src Source, f misp.EventFilter, c *Cost) ([]misp.EventState, error) {
	c.EventReads++
	return src.Events(ctx, f)
}

// eventState is what the event index said of a held event.
type eventState struct {
	tags string // tagKey of its tags
	ts   int64  // its timestamp then
	// uuid is its uuid, lower-case; empty when not known.
	uuid string
	// afterRead: read after the attributes held (by Full), so a change
	// between the two reads would make the tags newer than the
	// attributes.
	afterRead bool
}

func stateOf(ev misp.EventState, afterRead bool) eventState {
	return eventState{tags: tagKey(ev.Tags), ts: ev.Timestamp, uuid: strings.ToLower(ev.UUID), afterRead: afterRead}
}

// tagKey is a set of tag names as one comparable string.
func tagKey(tags []string) string {
	s := slices.Clone(tags)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), "\x00")
}

// inChunks calls fn with the ids, eventIDChunk at a time.
func inChunks(ids []int64, fn func([]int64) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), eventIDChunk)]
		ids = ids[len(chunk):]
		if err := fn(chunk); err != nil {
			return err
		}
	}
	return nil
}

// droppedHeld runs request 3 over the events held and returns those to
// drop: the ones it does not return (deleted in MISP) and, when
// published is set, the ones it returns unpublished. It also returns
// the events whose id now names another event (another uuid): MISP on
// MySQL before 8.0 gives the id of the newest events deleted again after
// a restart. What old holds of those is gone; the new event is read as
// any other new event. retagged are the others whose tags differ from
// those noted, with their uuids: a local tag moves no timestamp.
func droppedHeld(ctx context.Context, src Source, old *Snapshot, published bool, c *Cost) (dropped, replaced map[int64]bool, retagged map[int64]string, err error) {
	dropped, replaced, retagged = map[int64]bool{}, map[int64]bool{}, map[int64]string{}
	err = inChunks(old.Events(), func(chunk []int64) error {
		seen, err := readEvents(ctx, src, misp.EventFilter{EventIDs: chunk}, c)
		if err != nil {
			return err
		}
		present := make(map[int64]bool, len(seen))
		for _, ev := range seen {
			present[ev.ID] = true
			st, known := old.states[ev.ID]
			switch {
			case st.uuid != "" && ev.UUID != "" && st.uuid != strings.ToLower(ev.UUID):
				replaced[ev.ID] = true
			case published && !ev.Published:
				dropped[ev.ID] = true
			case known && ev.UUID != "" && st.tags != tagKey(ev.Tags):
				retagged[ev.ID] = ev.UUID
			}
		}
		for _, id := range chunk {
			if !present[id] {
				dropped[id] = true
			}
		}
		return nil
	})
	return dropped, replaced, retagged, err
}
