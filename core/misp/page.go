package misp

import (
	"errors"
	"io"

	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/core/indicator"
)

// decodePage reads one whole restSearch answer and calls fn for each
// attribute (outline.page).
func decodePage(body []byte, fn func(indicator.Attribute)) (int, error) {
	s := outline{b: body}
	return s.page(fn)
}

// A streamed answer is first read through a window of firstWindow bytes,
// which doubles each time the answer fills it and goes on, up to
// pageWindow: a small answer (an incremental refresh's few attributes)
// costs a small window, a long one is read in large bites after a few
// reads.
const (
	firstWindow = 16 << 10
	pageWindow  = 256 << 10
)

// decodeStream reads a restSearch answer from r as it arrives, through
// the window win (made firstWindow long when it has no room, doubled up
// to most bytes while the answer fills it, and beyond that only while one
// value does not fit in it), and calls fn for each attribute, whose Value
// and UUID are valid only until fn returns. It answers every document as
// decodePage answers it whole. readErr is the error, other than io.EOF,
// that ended reading r; it is what went wrong when set. The window is
// returned for the next page.
func decodeStream(r io.Reader, win []byte, most int, fn func(indicator.Attribute)) (n int, next []byte, readErr, err error) {
	if cap(win) == 0 {
		win = make([]byte, 0, firstWindow)
	}
	s := outline{b: win[:0], r: r, most: most}
	s.ws()
	if c := s.peek(); c != '{' && c != '[' && s.err == nil {
		return 0, s.b[:0], nil, errNotJSON
	}
	n, err = s.page(fn)
	return n, s.b[:0], s.err, err
}

// errNotJSON is the answer of a document that does not begin as JSON.
var errNotJSON = errors.New("not JSON")

// page reads a restSearch answer — {"response":{"Attribute":[...]}}, or
// an empty {"response":[]} or [] as some MISP versions send — at the
// cursor, calling fn for each attribute. It walks the answer's outline
// itself and reads each attribute object in one pass, copying only the
// fields it returns, so memory is one attribute's, not a whole answer's.
func (s *outline) page(fn func(indicator.Attribute)) (int, error) {
	s.keep = -1
	s.ws()
	switch s.peek() {
	case '[':
		n, err := s.attributes(fn)
		if err != nil {
			return n, err
		}
		return n, s.end()
	case '{':
	case 0:
		return 0, errMalformed
	default:
		return 0, shapeError("answer is neither a list nor an object")
	}
	// The whole object is kept in the window until "response" is found:
	// an answer without it is explained from all of it.
	s.keep = s.i
	found, err := s.findKey("response")
	if err != nil {
		return 0, err
	}
	if !found {
		for s.more() {
		}
		return 0, errorShape(s.b[s.keep:])
	}
	s.keep = -1
	n := 0
	switch s.peek() {
	case '[':
		if n, err = s.count(); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, shapeError("answer holds events, not attributes")
		}
	case '{':
		found, err := s.findKey("Attribute")
		if err != nil {
			return 0, err
		}
		if found {
			if s.peek() != '[' {
				return 0, shapeError("\"Attribute\" is not a list")
			}
			if n, err = s.attributes(fn); err != nil {
				return n, err
			}
			if err := s.restOfObject(); err != nil {
				return n, err
			}
		}
	default:
		return 0, shapeError("\"response\" is neither a list nor an object")
	}
	if err := s.restOfObject(); err != nil {
		return n, err
	}
	return n, s.end()
}

var errMalformed = shapeError("answered with malformed JSON")

// errorShape explains an answer object without a "response" key.
func errorShape(body []byte) error {
	if v, err := fastjson.ParseBytes(body); err == nil && (v.Get("errors") != nil || v.Get("message") != nil) {
		return &errorAnswer{msg: messageText(body)}
	}
	return shapeError("answer has no \"response\" key")
}

// attributes decodes the array of attribute objects at the cursor: each
// object is read by an attrScanner in one pass; anything else in the list
// is skipped as the outline skips values and refused.
func (s *outline) attributes(fn func(indicator.Attribute)) (int, error) {
	var a attrScanner
	return s.array(func() error {
		if s.peek() != '{' {
			if err := s.value(); err != nil {
				return err
			}
			return shapeError("an attribute is not an object")
		}
		for {
			// An object cut by the window's end reads as malformed:
			// read on and try again.
			a.b = s.b
			if attr, next, ok := a.attribute(s.i); ok {
				s.i = next
				fn(attr)
				return nil
			}
			if !s.more() {
				return errMalformed
			}
		}
	})
}
