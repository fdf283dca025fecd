package mispsim

import (
	"net/http"
	"strconv"
	"strings"
)

// eventIndex finds an event by id or uuid.
func (s *store) eventIndex(ref string) (int32, bool) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		i, ok := s.eventByID[id]
		return i, ok
	}
	if uuidRE.MatchString(ref) {
		i, ok := s.eventByUUID[strings.ToLower(ref)]
		return i, ok
	}
	return 0, false
}

// appendPlainAttr appends attribute i as MISP's event view and attribute
// edit answers show it: its own fields and its tags, without "Event".
func (s *store) appendPlainAttr(b []byte, i int) []byte {
	a := s.attrData(i)
	b = encodeAttrFields(b, &a, s.events[s.attrs[i].event].id)
	b = s.appendTagList(b, s.tagSets[s.attrs[i].tagSet])
	return append(b, '}')
}

// addedAttrJSON is /attributes/add's answer for one attribute: the row and
// its AttributeTag rows with their tags.
func (s *store) addedAttrJSON(i int) []byte {
	a := s.attrData(i)
	ev := s.events[s.attrs[i].event]
	b := encodeAttrFields([]byte(`{"Attribute":`), &a, ev.id)
	b = append(b, `},"AttributeTag":[`...)
	for k, t := range s.tagSets[s.attrs[i].tagSet] {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"attribute_id":`...)
		b = appendQuotedInt(b, a.ID)
		b = append(b, `,"event_id":`...)
		b = appendQuotedInt(b, ev.id)
		b = append(b, `,"tag_id":`...)
		b = appendQuotedInt(b, s.tags[t].id)
		b = append(b, `,"local":false,"relationship_type":null,"Tag":`...)
		b = s.appendTagHead(b, t)
		b = append(b, "}}"...)
	}
	return append(b, "]}"...)
}

func (s *store) appendOrg(b []byte, o int32) []byte {
	org := &s.orgs[o]
	b = append(b, `{"id":`...)
	b = appendQuotedInt(b, org.id)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, org.name)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, org.uuid)
	b = append(b, `,"local":`...)
	return append(appendBool(b, o == 0), '}')
}

// eventJSON is the full event as /events/view, /events/add and
// /events/edit answer it: live attributes outside objects under
// "Attribute", object attributes grouped under "Object", event tags under
// "Tag". seen, when not nil, says which attributes with distribution 0 or
// 4 the reader sees.
func (s *store) eventJSON(ei int32, seen func(*attrRec) bool) []byte {
	e := s.events[ei]
	var plain []int
	var objOrder []int64
	objects := map[int64][]int{}
	for _, k := range s.eventAttrs(ei) {
		i := int(k)
		r := &s.attrs[i]
		if r.flags&(flagDeleted|flagPurged) != 0 || r.flags&(flagOrgOnly|flagShared) != 0 && seen != nil && !seen(r) {
			continue
		}
		if r.flags&flagInObject == 0 {
			plain = append(plain, i)
			continue
		}
		oid := s.attrData(i).ObjectID
		if _, seen := objects[oid]; !seen {
			objOrder = append(objOrder, oid)
		}
		objects[oid] = append(objects[oid], i)
	}
	dist := e.distribution
	if dist == "" {
		dist = "3"
	}
	b := []byte(`{"Event":{"id":`)
	b = appendQuotedInt(b, e.id)
	b = append(b, `,"orgc_id":`...)
	b = appendQuotedInt(b, s.orgs[e.orgc].id)
	b = append(b, `,"org_id":`...)
	b = appendQuotedInt(b, s.orgs[e.org].id)
	b = append(b, `,"date":`...)
	b = appendJSONString(b, e.date)
	b = append(b, `,"threat_level_id":`...)
	b = appendJSONString(b, e.threatLevel)
	b = append(b, `,"info":`...)
	b = appendJSONString(b, e.info)
	b = append(b, `,"published":`...)
	b = appendBool(b, e.published)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, e.uuid)
	b = append(b, `,"attribute_count":`...)
	b = appendQuotedInt(b, int64(len(plain)+countAll(objects)))
	b = append(b, `,"analysis":`...)
	b = appendJSONString(b, e.analysis)
	b = append(b, `,"timestamp":`...)
	b = appendQuotedInt(b, e.ts)
	b = append(b, `,"distribution":`...)
	b = appendJSONString(b, dist)
	b = append(b, `,"proposal_email_lock":false,"locked":false,"publish_timestamp":`...)
	b = appendQuotedInt(b, e.publishTS)
	b = append(b, `,"sharing_group_id":`...)
	b = appendQuotedInt(b, e.sharingGroup)
	b = append(b, `,"disable_correlation":false,"extends_uuid":"","protected":null,"Org":`...)
	b = s.appendOrg(b, e.org)
	b = append(b, `,"Orgc":`...)
	b = s.appendOrg(b, e.orgc)
	b = append(b, `,"Attribute":[`...)
	for k, i := range plain {
		if k > 0 {
			b = append(b, ',')
		}
		b = s.appendPlainAttr(b, i)
	}
	b = append(b, `],"ShadowAttribute":[],"RelatedEvent":[],"Galaxy":[],"Object":[`...)
	for k, oid := range objOrder {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendQuotedInt(b, oid)
		b = append(b, `,"event_id":`...)
		b = appendQuotedInt(b, e.id)
		b = append(b, `,"deleted":false,"Attribute":[`...)
		for j, i := range objects[oid] {
			if j > 0 {
				b = append(b, ',')
			}
			b = s.appendPlainAttr(b, i)
		}
		b = append(b, "]}"...)
	}
	b = append(b, `],"EventReport":[]`...)
	b = s.appendTagList(b, e.tags)
	return append(b, "}}"...)
}

func countAll(m map[int64][]int) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}

// viewEvent answers GET /events/view/{id} for user u: an event u may not
// see is as one that does not exist (Event::fetchEvent).
func (s *Server) viewEvent(ref, path string, u User) response {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ei, ok := s.st.eventIndex(ref)
	if !ok || !s.sees(u, s.st.events[ei]) {
		return errorResponse(http.StatusNotFound, "Invalid event.", path)
	}
	e := s.st.events[ei]
	seen := func(a *attrRec) bool { return s.owns(u, e) || s.attrSeen(u.OrgID, a) }
	return bytesResponse(http.StatusOK, jsonType, s.st.eventJSON(ei, seen))
}
