package misp

import (
	"bytes"
	"context"
	"strconv"

	"github.com/valyala/fastjson"
)

// EventFilter is one /events/index request. MISP combines its filters
// with AND; zero values send no filter.
type EventFilter struct {
	// Timestamp and PublishTimestamp select events whose timestamp (any
	// change to the event, its tags or its attributes) or
	// publish_timestamp (its last publication) is at least this (unix
	// seconds).
	Timestamp, PublishTimestamp int64
	// Unpublished selects events not published.
	Unpublished bool
	// EventIDs restricts to these events.
	EventIDs []int64
	// Minimal asks for id, timestamp, published and uuid only: no tags.
	Minimal bool
}

// Body returns the JSON body of the request.
func (f EventFilter) Body() []byte {
	var b bytes.Buffer
	b.WriteString(`{"minimal":`)
	if f.Minimal {
		b.WriteString("1")
	} else {
		b.WriteString("0")
	}
	writeNonZero(&b, `,"timestamp":`, f.Timestamp)
	writeNonZero(&b, `,"publish_timestamp":`, f.PublishTimestamp)
	if f.Unpublished {
		b.WriteString(`,"published":0`)
	}
	writeEventIDs(&b, f.EventIDs)
	b.WriteByte('}')
	return b.Bytes()
}

// writeNonZero writes key and n when n is not zero.
func writeNonZero(b *bytes.Buffer, key string, n int64) {
	if n != 0 {
		b.WriteString(key)
		b.WriteString(strconv.FormatInt(n, 10))
	}
}

// writeEventIDs writes the "eventid" key with ids when there are any.
func writeEventIDs(b *bytes.Buffer, ids []int64) {
	if len(ids) > 0 {
		b.WriteString(`,"eventid":`)
		writeIDs(b, ids)
	}
}

// writeIDs writes ids as a JSON list of numbers.
func writeIDs(b *bytes.Buffer, ids []int64) {
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
}

// EventState is what /events/index says of one event.
type EventState struct {
	ID               int64
	UUID             string
	Timestamp        int64
	PublishTimestamp int64
	Published        bool
	// Tags are the names of the event's tags (none with Minimal).
	Tags []string
}

// Events runs one /events/index request and returns the events it lists.
func (c *Client) Events(ctx context.Context, f EventFilter) ([]EventState, error) {
	return postDecoded(ctx, c, "/events/index", f.Body(), "events index", decodeEvents)
}

// postDecoded POSTs body to path and decodes MISP's answer; an answer
// decode refuses is a BadResponse naming what was asked.
func postDecoded[T any](ctx context.Context, c *Client, path string, body []byte, what string, decode func([]byte) (T, error)) (T, error) {
	answer, err := c.PostJSON(ctx, path, body)
	if err != nil {
		var zero T
		return zero, err
	}
	out, err := decode(answer)
	if err != nil {
		var zero T
		return zero, &Error{Kind: BadResponse, Site: c.opts.Site, Detail: what + ": " + err.Error()}
	}
	return out, nil
}

// decodeEvents reads an /events/index answer: a list of events, each
// bare or wrapped in {"Event": …}, tags under EventTag[].Tag.name (or
// Tag[].name). Each event is parsed on its own, by one parser reused, so
// a list of thousands of events costs what it keeps, not a tree of the
// whole answer (5,000 events took 160 MB of it); an answer that reading
// refuses is parsed whole, which says what is wrong as before.
func decodeEvents(body []byte) ([]EventState, error) {
	if out, ok := decodeEventsEach(body); ok {
		return out, nil
	}
	return decodeEventsWhole(body)
}

// decodeEventsEach reads a list of events element by element; ok is
// false for anything decodeEventsWhole would refuse (and for an event
// nested as deep as fastjson's limit, which the whole answer's one more
// level would pass).
func decodeEventsEach(body []byte) (out []EventState, ok bool) {
	s := outline{b: body}
	s.ws()
	if s.peek() != '[' {
		return nil, false
	}
	var p fastjson.Parser
	out = []EventState{}
	_, err := s.array(func() error {
		start := s.i
		if err := s.value(); err != nil {
			return err
		}
		elem := body[start:s.i]
		if nestingDepth(elem) >= fastjson.MaxDepth {
			return errMalformed
		}
		v, err := p.ParseBytes(elem)
		if err != nil {
			return err
		}
		ev, err := eventState(v)
		if err != nil {
			return err
		}
		out = append(out, ev)
		return nil
	})
	if err != nil || s.end() != nil {
		return nil, false
	}
	return out, true
}

// nestingDepth returns how deep objects and arrays nest in the value b,
// strings skipped.
func nestingDepth(b []byte) int {
	depth, deepest := 0, 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			end, _ := scanString(b, i+1)
			if end < 0 {
				return deepest
			}
			i = end
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}

// decodeEventsWhole reads a list of events parsed whole.
func decodeEventsWhole(body []byte) ([]EventState, error) {
	return decodeList(body, "not a list of events", eventState)
}

// decodeList reads an answer that is a JSON list, each element read by
// each; notList is the error's text when the answer is not a list.
func decodeList[T any](body []byte, notList string, each func(*fastjson.Value) (T, error)) ([]T, error) {
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, err
	}
	list, err := v.Array()
	if err != nil {
		return nil, shapeError(notList)
	}
	out := make([]T, 0, len(list))
	for _, e := range list {
		x, err := each(e)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// eventState reads one event of the index.
func eventState(e *fastjson.Value) (EventState, error) {
	if inner := e.Get("Event"); inner != nil && inner.Type() == fastjson.TypeObject {
		e = inner
	}
	if e.Type() != fastjson.TypeObject {
		return EventState{}, shapeError("an event is not an object")
	}
	ev := EventState{
		ID:               intOf(e.Get("id")),
		UUID:             string(e.GetStringBytes("uuid")),
		Timestamp:        intOf(e.Get("timestamp")),
		PublishTimestamp: intOf(e.Get("publish_timestamp")),
		Published:        boolOf(e.Get("published")),
	}
	if ev.ID <= 0 {
		return EventState{}, shapeError("an event without an id")
	}
	for _, t := range e.GetArray("EventTag") {
		if name := t.GetStringBytes("Tag", "name"); name != nil {
			ev.Tags = append(ev.Tags, string(name))
		}
	}
	for _, t := range e.GetArray("Tag") {
		if name := t.GetStringBytes("name"); name != nil {
			ev.Tags = append(ev.Tags, string(name))
		}
	}
	return ev, nil
}
