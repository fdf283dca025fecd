package misp

import (
	"bytes"
	"context"
	"strconv"

	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/core/indicator"
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
		b.WriteString(`,"eventid":[`)
		for i, id := range q.EventIDs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(id, 10))
		}
		b.WriteByte(']')
	}
	if q.IncludeEventTags {
		b.WriteString(`,"includeEventTags":1`)
	}
	if q.WithDeleted {
		b.WriteString(`,"deleted":[0,1]`)
	}
}

// Row is one attribute with the names of its tags: its own and, when the
// search asks IncludeEventTags, its event's.
type Row struct {
	indicator.Attribute
	Tags []string
}

// SearchRows runs q as SearchAttributes does and gives each worker's sink
// the attributes with their tags.
func (c *Client) SearchRows(ctx context.Context, q Query, pageSize, parallel int, newSink func() func(Row)) (int, error) {
	return c.search(ctx, q, pageSize, parallel, func() sink { return sink{row: newSink()} })
}

// tags returns the names in the last attribute's "Tag" list: a list of
// objects with a "name" string. Anything else holds no tag.
func (s *attrScanner) tags() []string {
	v := s.found[mTag]
	if v.kind != kOther || s.b[v.start] != '[' {
		return nil
	}
	list, err := fastjson.ParseBytes(s.b[v.start:v.end])
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range list.GetArray() {
		if name := t.GetStringBytes("name"); name != nil {
			out = append(out, string(name))
		}
	}
	return out
}
