package mispsim

import (
	"slices"
	"time"
)

// finishEvents fills in the event-level fields of events from index from
// on: a timestamp of 0 becomes the newest attribute's timestamp (now when
// the event has none), a published event without a publish_timestamp gets
// its timestamp, and the date, threat level, analysis and tag JSON get
// their defaults. The caller holds the write lock.
func (s *store) finishEvents(from int32, now int64) {
	if int(from) >= len(s.events) {
		return
	}
	newest := make([]int64, len(s.events)-int(from))
	scan := slices.ContainsFunc(s.events[from:], func(e *eventRec) bool { return e.ts == 0 })
	for i := range s.attrs {
		if !scan {
			break
		}
		a := &s.attrs[i]
		if a.event >= from && a.ts > newest[a.event-from] {
			newest[a.event-from] = a.ts
		}
	}
	for k, e := range s.events[from:] {
		if e.ts == 0 {
			e.ts = newest[k]
			if e.ts == 0 {
				e.ts = now
			}
		}
		if e.published && e.publishTS == 0 {
			e.publishTS = e.ts
		}
		if e.date == "" {
			e.date = time.Unix(e.ts, 0).UTC().Format(time.DateOnly)
		}
		if e.threatLevel == "" {
			e.threatLevel = "4"
		}
		if e.analysis == "" {
			e.analysis = "0"
		}
		e.tagJSON = s.encodeEventTags(e.tags)
	}
}

// encodeEventTags writes an event's tags as includeEventTags adds them to
// restSearch attributes: the fields MISP's attribute search reads for
// event tags, marked inherited.
func (s *store) encodeEventTags(tags []int32) []byte {
	var b []byte
	for i, t := range tags {
		if i > 0 {
			b = append(b, ',')
		}
		tr := &s.tags[t]
		b = append(b, `{"id":`...)
		b = appendQuotedInt(b, tr.id)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, tr.name)
		b = append(b, `,"colour":`...)
		b = appendJSONString(b, tr.colour)
		b = append(b, `,"numerical_value":null,"inherited":1}`...)
	}
	return b
}
