package mispsim

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalid reports an event or warninglist that the emulator refuses.
var ErrInvalid = errors.New("mispsim: invalid data")

// addEvent stores an event and its attributes. now is the fallback
// timestamp. The caller holds the write lock.
func (s *store) addEvent(ev Event, now int64) (int64, error) {
	if ev.ID < 0 {
		return 0, fmt.Errorf("add event: negative id %d: %w", ev.ID, ErrInvalid)
	}
	if ev.ID == 0 {
		ev.ID = s.maxEventID + 1
	}
	if _, dup := s.eventByID[ev.ID]; dup {
		return 0, fmt.Errorf("add event: duplicate event id %d: %w", ev.ID, ErrInvalid)
	}
	if ev.UUID == "" {
		// Derived from the id, as random as MISP's for the tests; an id
		// given again (RestartDatabase) gets a uuid of its own.
		ev.UUID = hashUUID(fmt.Sprintf("event:%d", ev.ID))
		for n := 1; s.blockedUUIDs[ev.UUID]; n++ {
			ev.UUID = hashUUID(fmt.Sprintf("event:%d/%d", ev.ID, n))
		}
	}
	if _, dup := s.eventByUUID[strings.ToLower(ev.UUID)]; dup {
		return 0, fmt.Errorf("add event: duplicate event uuid %s: %w", ev.UUID, ErrInvalid)
	}
	seen := map[int64]bool{}
	for i := range ev.Attributes {
		a := &ev.Attributes[i]
		if a.ID != 0 {
			if seen[a.ID] {
				return 0, fmt.Errorf("add event %d: duplicate attribute id %d: %w", ev.ID, a.ID, ErrInvalid)
			}
			seen[a.ID] = true
		}
		if a.Type == "" {
			return 0, fmt.Errorf("add event %d: attribute %d has no type: %w", ev.ID, i, ErrInvalid)
		}
		if a.ID < 0 {
			return 0, fmt.Errorf("add event %d: attribute %d has a negative id: %w", ev.ID, i, ErrInvalid)
		}
		if a.ID != 0 && a.ID <= s.maxAttrID && s.hasAttrID(a.ID) {
			return 0, fmt.Errorf("add event %d: duplicate attribute id %d: %w", ev.ID, a.ID, ErrInvalid)
		}
	}
	er := &eventRec{
		id:        ev.ID,
		uuid:      ev.UUID,
		info:      ev.Info,
		published: ev.Published,
		org:       s.orgWithID(ev.OrgID),
		ts:        ev.Timestamp,
		publishTS: ev.PublishTimestamp,
	}
	er.orgc = er.org
	if ev.OrgName != "" || ev.OrgUUID != "" {
		er.orgc = s.org(ev.OrgName, ev.OrgUUID)
	}
	for _, t := range ev.Tags {
		er.tags = appendUnique(er.tags, s.tag(t, ""))
	}
	er.distribution, er.sharingGroup = ev.distribution, ev.sharingGroup
	er.json = s.encodeEvent(nil, er, ev.distribution)
	ei := int32(len(s.events))
	s.events = append(s.events, er)
	s.eventByID[er.id] = ei
	s.eventByUUID[strings.ToLower(er.uuid)] = ei
	s.maxEventID = max(s.maxEventID, er.id)

	sorted := true
	var buf []byte
	for i := range ev.Attributes {
		a := ev.Attributes[i]
		if a.ID == 0 {
			a.ID = s.maxAttrID + 1
		}
		if len(s.attrs) > 0 && a.ID < s.attrs[len(s.attrs)-1].id {
			sorted = false
		}
		if a.Timestamp == 0 {
			a.Timestamp = now
		}
		var tags []int32
		for _, t := range a.Tags {
			tags = appendUnique(tags, s.tag(t, ""))
		}
		buf = s.appendAttr(buf, &a, ei, tags)
		if ev.Timestamp == 0 {
			er.ts = max(er.ts, a.Timestamp)
		}
	}
	if er.ts == 0 {
		er.ts = now
	}
	if !sorted {
		// Sort a copy: pages being written may still read the old slice.
		s.evIx = eventAttrIndex{}
		s.attrs = slices.Clone(s.attrs)
		slices.SortStableFunc(s.attrs, func(x, y attrRec) int {
			switch {
			case x.id < y.id:
				return -1
			case x.id > y.id:
				return 1
			}
			return 0
		})
	}
	s.finishEvents(ei, now)
	s.gen++
	return er.id, nil
}

// tagSet stores an attribute's tag list and returns its index.
func (s *store) tagSet(tags []int32) int32 {
	if len(tags) == 0 {
		return 0
	}
	s.tagSets = append(s.tagSets, tags)
	return int32(len(s.tagSets) - 1)
}

func (s *store) hasAttrID(id int64) bool {
	for i := range s.attrs {
		if s.attrs[i].id == id {
			return true
		}
	}
	return false
}

func appendUnique(list []int32, v int32) []int32 {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
