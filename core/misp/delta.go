package misp

import (
	"bytes"
	"strconv"
)

// writeDelta writes the keys an incremental refresh adds to a search; a
// query without them has the body it always had.
func (q Query) writeDelta(b *bytes.Buffer) {
	if q.EventTimestamp != 0 {
		b.WriteString(`,"event_timestamp":`)
		b.WriteString(strconv.FormatInt(q.EventTimestamp, 10))
	}
	if q.PublishTimestamp != 0 {
		b.WriteString(`,"publish_timestamp":`)
		b.WriteString(strconv.FormatInt(q.PublishTimestamp, 10))
	}
	if len(q.EventIDs) > 0 {
		b.WriteString(`,"eventid":`)
		writeIDs(b, q.EventIDs)
	}
	if len(q.UUIDs) > 0 {
		b.WriteString(`,"uuid":`)
		writeJSON(b, q.UUIDs)
	}
	if q.WithDeleted {
		b.WriteString(`,"deleted":[0,1]`)
	}
}
