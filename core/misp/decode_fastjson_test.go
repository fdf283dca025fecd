package misp

import (
	"bytes"

	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/core/indicator"
)

// decodePageFastjson is the page decoder as it was before the attribute
// scanner: it walks the page's outline and hands each attribute object
// alone to fastjson. decodePage must give its answers (the calls of fn,
// the count and the error) on every input.
func decodePageFastjson(p *fastjson.Parser, body []byte, fn func(indicator.Attribute)) (int, error) {
	s := &fjOutline{b: body}
	s.ws()
	switch s.peek() {
	case '[':
		n, err := s.attributes(p, fn)
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
			if n, err = s.attributes(p, fn); err != nil {
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

// fjOutline is a cursor over a JSON document that skips values without
// building them.
type fjOutline struct {
	b []byte
	i int
}

func (s *fjOutline) ws() {
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
func (s *fjOutline) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// end checks that only white space follows.
func (s *fjOutline) end() error {
	s.ws()
	if s.i != len(s.b) {
		return errMalformed
	}
	return nil
}

// str skips a string and returns its raw contents.
func (s *fjOutline) str() ([]byte, error) {
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
		if !fjEscaped(s.b[start:i]) {
			s.i = i + 1
			return s.b[start:i], nil
		}
		i++
	}
	return nil, errMalformed
}

// fjEscaped reports whether a quote right after b is fjEscaped: b ends in an
// odd number of backslashes.
func fjEscaped(b []byte) bool {
	n := 0
	for i := len(b) - 1; i >= 0 && b[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// fjStructural are the bytes that matter when skipping a nested value.
const fjStructural = `"{}[]`

// value skips one value of any kind.
func (s *fjOutline) value() error {
	switch c := s.peek(); c {
	case '"':
		_, err := s.str()
		return err
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			j := bytes.IndexAny(s.b[s.i:], fjStructural)
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
func (s *fjOutline) findKey(key string) (bool, error) {
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
func (s *fjOutline) restOfObject() error {
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
func (s *fjOutline) elements(each func([]byte) error) (int, error) {
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
		start := s.i
		if err := s.value(); err != nil {
			return n, err
		}
		if err := each(s.b[start:s.i]); err != nil {
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
func (s *fjOutline) count() (int, error) {
	return s.elements(func([]byte) error { return nil })
}

// attributes decodes the array of attribute objects at the cursor.
func (s *fjOutline) attributes(p *fastjson.Parser, fn func(indicator.Attribute)) (int, error) {
	return s.elements(func(elem []byte) error {
		if elem[0] != '{' {
			return shapeError("an attribute is not an object")
		}
		a, err := p.ParseBytes(elem)
		if err != nil {
			return errMalformed
		}
		fn(indicator.Attribute{
			Type:      intern(a.GetStringBytes("type")),
			Value:     string(a.GetStringBytes("value")),
			Category:  intern(a.GetStringBytes("category")),
			UUID:      string(a.GetStringBytes("uuid")),
			EventID:   intOf(a.Get("event_id")),
			Timestamp: intOf(a.Get("timestamp")),
			ToIDS:     boolOf(a.Get("to_ids")),
		})
		return nil
	})
}
