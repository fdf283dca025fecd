package misp

import (
	"bytes"

	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/core/indicator"
)

// decodePage reads one restSearch answer — {"response":{"Attribute":[...]}},
// or an empty {"response":[]} or [] as some MISP versions send — and calls
// fn for each attribute. It walks the page's outline itself and reads each
// attribute object in one pass, copying only the fields it returns, so
// memory is one attribute's, not a whole page's. p is not used: callers
// keep a parser for each page they decode.
func decodePage(_ *fastjson.Parser, body []byte, fn func(indicator.Attribute)) (int, error) {
	s := &outline{b: body}
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
	found, err := s.findKey("response")
	if err != nil {
		return 0, err
	}
	if !found {
		return 0, errorShape(body)
	}
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
		return shapeError("answered with an error: " + mispMessage(body))
	}
	return shapeError("answer has no \"response\" key")
}

// outline is a cursor over a JSON document that skips values without
// building them.
type outline struct {
	b []byte
	i int
}

func (s *outline) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (s *outline) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// end checks that only white space follows.
func (s *outline) end() error {
	s.ws()
	if s.i != len(s.b) {
		return errMalformed
	}
	return nil
}

// str skips a string and returns its raw contents.
func (s *outline) str() ([]byte, error) {
	if s.peek() != '"' {
		return nil, errMalformed
	}
	start := s.i + 1
	for i := start; i < len(s.b); {
		j := bytes.IndexByte(s.b[i:], '"')
		if j < 0 {
			break
		}
		i += j
		if !escaped(s.b[start:i]) {
			s.i = i + 1
			return s.b[start:i], nil
		}
		i++
	}
	return nil, errMalformed
}

// escaped reports whether a quote right after b is escaped: b ends in an
// odd number of backslashes.
func escaped(b []byte) bool {
	n := 0
	for i := len(b) - 1; i >= 0 && b[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// structural are the bytes that matter when skipping a nested value.
const structural = `"{}[]`

// value skips one value of any kind.
func (s *outline) value() error {
	switch c := s.peek(); c {
	case '"':
		_, err := s.str()
		return err
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			j := bytes.IndexAny(s.b[s.i:], structural)
			if j < 0 {
				break
			}
			s.i += j
			switch s.b[s.i] {
			case '"':
				if _, err := s.str(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return nil
				}
			}
			s.i++
		}
		return errMalformed
	case 0:
		return errMalformed
	default:
		start := s.i
		for s.i < len(s.b) && bytes.IndexByte([]byte("+-.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), s.b[s.i]) >= 0 {
			s.i++
		}
		if s.i == start {
			return errMalformed
		}
		return nil
	}
}

// findKey scans the object at the cursor for key and leaves the cursor at
// its value; when the key is absent it leaves the cursor after the object.
func (s *outline) findKey(key string) (bool, error) {
	if s.peek() != '{' {
		return false, errMalformed
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		return false, nil
	}
	for {
		s.ws()
		k, err := s.str()
		if err != nil {
			return false, err
		}
		s.ws()
		if s.peek() != ':' {
			return false, errMalformed
		}
		s.i++
		s.ws()
		if string(k) == key {
			return true, nil
		}
		if err := s.value(); err != nil {
			return false, err
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return false, nil
		default:
			return false, errMalformed
		}
	}
}

// restOfObject skips the members left after a value found by findKey and
// the object's closing brace.
func (s *outline) restOfObject() error {
	for {
		s.ws()
		switch s.peek() {
		case '}':
			s.i++
			return nil
		case ',':
			s.i++
			s.ws()
			if _, err := s.str(); err != nil {
				return err
			}
			s.ws()
			if s.peek() != ':' {
				return errMalformed
			}
			s.i++
			s.ws()
			if err := s.value(); err != nil {
				return err
			}
		default:
			return errMalformed
		}
	}
}

// elements calls each for every element of the array at the cursor with
// the element's bytes.
func (s *outline) elements(each func([]byte) error) (int, error) {
	return s.array(func() error {
		start := s.i
		if err := s.value(); err != nil {
			return err
		}
		return each(s.b[start:s.i])
	})
}

// array reads the array at the cursor, calling item with the cursor at
// each element; item leaves the cursor after the element. It returns how
// many elements were read.
func (s *outline) array(item func() error) (int, error) {
	if s.peek() != '[' {
		return 0, errMalformed
	}
	s.i++
	s.ws()
	if s.peek() == ']' {
		s.i++
		return 0, nil
	}
	n := 0
	for {
		s.ws()
		if err := item(); err != nil {
			return n, err
		}
		n++
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return n, nil
		default:
			return n, errMalformed
		}
	}
}

// count counts the elements of the array at the cursor.
func (s *outline) count() (int, error) {
	return s.elements(func([]byte) error { return nil })
}

// attributes decodes the array of attribute objects at the cursor: each
// object is read by an attrScanner in one pass; anything else in the list
// is skipped as the outline skips values and refused.
func (s *outline) attributes(fn func(indicator.Attribute)) (int, error) {
	a := attrScanner{b: s.b}
	return s.array(func() error {
		if s.peek() != '{' {
			if err := s.value(); err != nil {
				return err
			}
			return shapeError("an attribute is not an object")
		}
		attr, next, ok := a.attribute(s.i)
		if !ok {
			return errMalformed
		}
		s.i = next
		fn(attr)
		return nil
	})
}
