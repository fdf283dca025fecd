package mispsim

import (
	"fmt"
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
		b = s.appendTagHead(b, t)
		b = append(b, `,"inherited":1}`...)
	}
	return b
}

// appendAttr stores attribute a (ID and Timestamp set) of event ei with
// attribute tags tags, filling in its uuid and category when empty; buf
// is scratch space, returned for reuse. The caller keeps s.attrs sorted.
func (s *store) appendAttr(buf []byte, a *Attribute, ei int32, tags []int32) []byte {
	s.maxAttrID = max(s.maxAttrID, a.ID)
	s.maxObjectID = max(s.maxObjectID, a.ObjectID)
	if a.UUID == "" {
		a.UUID = hashUUID(fmt.Sprintf("attribute:%d", a.ID))
	}
	if a.Category == "" {
		a.Category = defaultCategory(a.Type)
	}
	buf = s.encodeAttr(buf[:0], a, s.events[ei], tags)
	r := attrRec{
		id: a.ID, ts: a.Timestamp, value: a.Value, tagSet: s.tagSet(tags),
		event: ei, typ: s.typeID(a.Type), cat: s.catID(a.Category), n: uint32(len(buf)),
	}
	r.flags, r.sg = attrFlags(a), int32(a.sharingGroup)
	r.chunk, r.off = s.arena.add(buf)
	s.evIx.add(len(s.attrs), ei, len(s.events))
	s.attrs = append(s.attrs, r)
	return buf
}

// eventAttrIndex lists the attribute indices of each event. It is built
// on first use and kept up to date by appendAttr; any other change to the
// attribute table (a sort, generation) leaves it stale, and a count that
// no longer matches the table rebuilds it.
type eventAttrIndex struct {
	lists [][]int32
	n     int // attributes indexed
}

// add records attribute i of event ei when the index is current.
func (x *eventAttrIndex) add(i int, ei int32, events int) {
	if x.lists == nil || x.n != i {
		return
	}
	for len(x.lists) < events {
		x.lists = append(x.lists, nil)
	}
	x.lists[ei] = append(x.lists[ei], int32(i))
	x.n++
}

// eventAttrs returns the indices of event ei's attributes, purged ones
// included, in table order.
func (s *store) eventAttrs(ei int32) []int32 {
	x := &s.evIx
	if x.lists == nil || x.n != len(s.attrs) {
		x.lists, x.n = make([][]int32, len(s.events)), len(s.attrs)
		for i := range s.attrs {
			e := s.attrs[i].event
			x.lists[e] = append(x.lists[e], int32(i))
		}
	}
	if int(ei) >= len(x.lists) {
		return nil
	}
	return x.lists[ei]
}

func attrFlags(a *Attribute) uint8 {
	var f uint8
	if a.ToIDS {
		f |= flagToIDS
	}
	if a.Deleted {
		f |= flagDeleted
	}
	if a.ObjectID != 0 {
		f |= flagInObject
	}
	switch a.distribution {
	case "0":
		f |= flagOrgOnly
	case "4":
		f |= flagShared
	}
	return f
}
