package misp

import (
	"bytes"
	"io"
	"slices"
)

// outline is a cursor over a JSON document that skips values without
// building them. The document is b, or, while r is set, read from r
// through the window b: more moves what is still needed to the front and
// reads on. Only s.i points into the window, so a slice of it is valid
// until the next read.
type outline struct {
	b []byte
	i int
	r io.Reader
	// keep is where the window must be kept from besides the cursor, or -1.
	keep int
	// err is the error, other than io.EOF, that ended reading r.
	err error
	// most is the size up to which a window the document fills doubles.
	most int
}

// more reads more of the document into the window, keeping b[i:] and
// b[keep:], and reports whether anything was left to read. It fills the
// window: twice as large when the part kept fills it, so a value that
// does not fit is looked at again once per doubling, not once per read;
// and twice as large, up to most, when the document filled it before, so
// a long document is read in large bites.
func (s *outline) more() bool {
	if s.r == nil {
		return false
	}
	filled := len(s.b) == cap(s.b)
	from := s.i
	if s.keep >= 0 {
		from = min(from, s.keep)
		s.keep -= from
	}
	n := copy(s.b[:cap(s.b)], s.b[from:])
	s.b, s.i = s.b[:n], s.i-from
	switch {
	case n == cap(s.b):
		s.b = slices.Grow(s.b, max(n, 512))
	case filled && cap(s.b) < s.most:
		b := make([]byte, n, min(2*cap(s.b), s.most))
		copy(b, s.b)
		s.b = b
	}
	for empty := 0; len(s.b) < cap(s.b); {
		m, err := s.r.Read(s.b[len(s.b):cap(s.b)])
		s.b = s.b[:len(s.b)+m]
		if err == nil && m == 0 {
			if empty++; empty == 100 {
				err = io.ErrNoProgress
			}
		}
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			s.r = nil
			break
		}
	}
	return true
}

func (s *outline) ws() {
	for {
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ' ', '\t', '\n', '\r':
				s.i++
			default:
				return
			}
		}
		if !s.more() {
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (s *outline) peek() byte {
	for s.i >= len(s.b) {
		if !s.more() {
			return 0
		}
	}
	return s.b[s.i]
}

// whole makes sure the value at the cursor lies whole in the window (a
// number or word followed by the byte that ends it), or that the document
// has been read to its end, so the steps below see what they would see in
// the whole document.
func (s *outline) whole() {
	for s.r != nil && !wholeAt(s.b, s.i) {
		s.more()
	}
}

// wholeAt reports whether b holds the whole value at b[i]: a string,
// object or array as skipValue checks it (a malformed one waits for the
// end of the document), or a run of the bytes value takes and one after.
func wholeAt(b []byte, i int) bool {
	if i >= len(b) {
		return false
	}
	switch b[i] {
	case '"', '{', '[':
		return skipValue(b, i, 1) >= 0
	}
	for ; i < len(b); i++ {
		if !wordByte(b[i]) {
			return true
		}
	}
	return false
}

// wordByte reports whether value takes c as part of a number or word.
func wordByte(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || c == '+' || c == '-' || c == '.'
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
	s.whole()
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
	s.whole()
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
		for s.i < len(s.b) && wordByte(s.b[s.i]) {
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
		match := string(k) == key // before a read moves k
		s.ws()
		if s.peek() != ':' {
			return false, errMalformed
		}
		s.i++
		s.ws()
		if match {
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
	return s.array(s.value)
}
