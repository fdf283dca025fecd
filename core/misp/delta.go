package misp

import "bytes"

// writeDelta writes the keys an incremental refresh adds to a search; a
// query without them has the body it always had.
func (q Query) writeDelta(b *bytes.Buffer) {
	writeNonZero(b, `,"event_timestamp":`, q.EventTimestamp)
	writeNonZero(b, `,"publish_timestamp":`, q.PublishTimestamp)
	writeEventIDs(b, q.EventIDs)
	if len(q.UUIDs) > 0 {
		b.WriteString(`,"uuid":`)
		writeJSON(b, q.UUIDs)
	}
	if q.WithDeleted {
		b.WriteString(`,"deleted":[0,1]`)
	}
}
