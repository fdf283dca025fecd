package mispsim

import (
	"bytes"
)

// encodeEvent builds the "Event" object embedded in each attribute.
func (s *store) encodeEvent(b []byte, e *eventRec, distribution string) []byte {
	if distribution == "" {
		distribution = "3"
	}
	b = append(b, `{"org_id":`...)
	b = appendQuotedInt(b, s.orgs[e.org].id)
	b = append(b, `,"distribution":`...)
	b = appendJSONString(b, distribution)
	b = append(b, `,"id":`...)
	b = appendQuotedInt(b, e.id)
	b = append(b, `,"info":`...)
	b = appendJSONString(b, e.info)
	b = append(b, `,"orgc_id":`...)
	b = appendQuotedInt(b, s.orgs[e.orgc].id)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, e.uuid)
	return append(b, '}')
}

// encodeAttr appends an attribute in the shape of a restSearch result.
func (s *store) encodeAttr(b []byte, a *Attribute, e *eventRec, tags []int32) []byte {
	b = encodeAttrFields(b, a, e.id)
	b = append(b, `,"Event":`...)
	b = append(b, e.json...)
	b = s.appendTagList(b, tags)
	return append(b, '}')
}

// encodeAttrFields appends an attribute's own fields, from the opening
// brace to the value, in MISP's order.
func encodeAttrFields(b []byte, a *Attribute, eventID int64) []byte {
	b = append(b, `{"id":`...)
	b = appendQuotedInt(b, a.ID)
	b = append(b, `,"event_id":`...)
	b = appendQuotedInt(b, eventID)
	b = append(b, `,"object_id":`...)
	b = appendQuotedInt(b, a.ObjectID)
	b = append(b, `,"object_relation":`...)
	b = appendNullableString(b, a.ObjectRelation)
	b = append(b, `,"category":`...)
	b = appendJSONString(b, a.Category)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, a.Type)
	b = append(b, `,"to_ids":`...)
	b = appendBool(b, a.ToIDS)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, a.UUID)
	b = append(b, `,"timestamp":`...)
	b = appendQuotedInt(b, a.Timestamp)
	b = append(b, `,"distribution":`...)
	dist := a.distribution
	if dist == "" {
		dist = "5"
	}
	b = appendJSONString(b, dist)
	b = append(b, `,"sharing_group_id":`...)
	b = appendQuotedInt(b, a.sharingGroup)
	b = append(b, `,"comment":`...)
	b = appendJSONString(b, a.Comment)
	b = append(b, `,"deleted":`...)
	b = appendBool(b, a.Deleted)
	b = append(b, `,"disable_correlation":`...)
	b = appendBool(b, a.DisableCorrelation)
	b = append(b, `,"first_seen":`...)
	b = appendNullableString(b, a.FirstSeen)
	b = append(b, `,"last_seen":`...)
	b = appendNullableString(b, a.LastSeen)
	b = append(b, `,"value":`...)
	return appendJSONString(b, a.Value)
}

// appendTagList appends `,"Tag":[…]` with the tags, or nothing when
// there are none.
func (s *store) appendTagList(b []byte, tags []int32) []byte {
	if len(tags) == 0 {
		return b
	}
	b = append(b, `,"Tag":[`...)
	for i, t := range tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = s.appendTag(b, t)
	}
	return append(b, ']')
}

// appendTag appends a tag as an attribute or event carries it.
func (s *store) appendTag(b []byte, t int32) []byte {
	b = s.appendTagHead(b, t)
	b = append(b, `,"is_galaxy":`...)
	b = appendBool(b, s.tags[t].isGalaxy)
	return append(b, `,"local":0}`...)
}

// appendTagHead opens a tag object with the fields every form of it has,
// up to numerical_value.
func (s *store) appendTagHead(b []byte, t int32) []byte {
	tr := &s.tags[t]
	b = append(b, `{"id":`...)
	b = appendQuotedInt(b, tr.id)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, tr.name)
	b = append(b, `,"colour":`...)
	b = appendJSONString(b, tr.colour)
	return append(b, `,"numerical_value":null`...)
}

// attrUUID reads an attribute's uuid back from its encoded JSON: the first
// `,"uuid":"` is the attribute's own, as no string value can hold an
// unescaped quote.
func attrUUID(chunks [][]byte, a *attrRec) string {
	b := chunks[a.chunk][a.off : a.off+a.n]
	const key = `,"uuid":"`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return ""
	}
	b = b[i+len(key):]
	j := bytes.IndexByte(b, '"')
	if j < 0 {
		return ""
	}
	return string(b[:j])
}
