package stix21

import (
	"crypto/sha1"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/jsonstr"
)

// The fast path writes the indicator of a plain value (printable ASCII
// without '"', '\' or '\'') from text prepared once per type and once per
// encoder. Such a value needs no JSON or pattern escaping, has no line
// end and counts one rune per byte, so every step of the general path in
// indicator() is the identity on it and the bytes are the same.

// fastForm is the fixed text of one indicator type.
type fastForm struct {
	idPrefix string // the name space, the type name and "|": what SHA-1 reads before the value
	name     string // `","name":"` and the escaped type name and ": "
	pattern  string // the properties up to the value in the pattern
	after    string // the properties after it, up to valid_from's value
	url      bool   // a URL pattern: a value without a scheme needs both
}

const (
	indicatorHead = ",\n{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--"
	patternHead   = `","indicator_types":["malicious-activity"],"pattern":"`
	stixAfter     = `']","pattern_type":"stix","pattern_version":"2.1","valid_from":"`
	urlHTTP       = patternHead + `[url:value = 'http://`
	urlHTTPS      = `' OR url:value = 'https://`
)

var fastForms = func() [len(forms)]fastForm {
	var ff [len(forms)]fastForm
	for t, f := range forms {
		if f.patternType == "" {
			continue
		}
		name := indicator.Type(t).String()
		x := fastForm{
			idPrefix: string(namespace[:]) + name + "|",
			name:     string(jsonstr.AppendEscaped([]byte(`","name":"`), name)) + ": ",
			url:      indicator.Type(t) == indicator.URL,
		}
		if f.patternType == "stix" {
			x.pattern = string(jsonstr.AppendEscaped([]byte(patternHead), f.prefix)) + "'"
			x.after = stixAfter
		} else {
			x.pattern = patternHead
			x.after = `","pattern_type":"` + f.patternType + `","valid_from":"`
		}
		ff[t] = x
	}
	return ff
}()

// plainByte marks the bytes a plain value is made of.
var plainByte = func() (p [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		p[c] = c != '"' && c != '\\' && c != '\''
	}
	return p
}()

// fastIndicator returns what indicator returns for in, and false when in
// needs the general path (an unknown type or a value that is not plain).
func (e *encoder) fastIndicator(in indicator.Indicator) ([]byte, bool) {
	if int(in.Type) >= len(fastForms) {
		return nil, false
	}
	f := &fastForms[in.Type]
	v := in.Value
	if f.name == "" || !isPlain(v) {
		return nil, false
	}
	b := append(e.buf[:0], indicatorHead...)
	prefix := f.idPrefix
	if e.idPrefixes != nil {
		prefix = e.idPrefixes[in.Type]
	}
	b = e.appendID(b, prefix, v)
	ts := e.timestamp(in.Timestamp)
	b = append(b, e.createdBy...)
	b = append(b, ts...)
	b = append(b, `","modified":"`...)
	b = append(b, ts...)
	b = append(b, f.name...)
	if len(v) > maxNameRunes {
		b = append(b, v[:maxNameRunes-1]...)
		b = append(b, "…"...)
	} else {
		b = append(b, v...)
	}
	if f.url && !hasScheme(v) {
		b = append(b, urlHTTP...)
		b = append(b, v...)
		b = append(b, urlHTTPS...)
		b = append(b, v...)
	} else {
		b = append(b, f.pattern...)
		b = append(b, v...)
	}
	b = append(b, f.after...)
	b = append(b, ts...)
	b = append(b, e.tail...)
	e.buf = b
	return b, true
}

// appendID appends the text of the UUIDv5 whose name space and name
// prefix holds (as idPrefix does) and whose name goes on with v.
func (e *encoder) appendID(dst []byte, prefix, v string) []byte {
	s := append(append(e.scratch[:0], prefix...), v...)
	e.scratch = s
	sum := sha1.Sum(s)
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	return appendUUID(dst, (*uuid)(sum[:16]))
}

// isPlain reports whether every byte of s is a plain byte. It tests
// eight bytes at a time: a word holds a byte that is not plain when one
// of its bytes is below 0x20, has the high bit set, or is a double quote,
// a single quote, a backslash or DEL (0x7f).
func isPlain(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if !plainByte[s[i]] {
				return false
			}
		}
		return true
	}
	var bad uint64
	for i := 0; i < len(s); i += 8 {
		if i > len(s)-8 {
			i = len(s) - 8 // the last word overlaps the one before
		}
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		bad |= (x - 0x20*ones) &^ x // a byte below 0x20
		bad |= x | hasZero(x^'"'*ones) | hasZero(x^'\''*ones) |
			hasZero(x^'\\'*ones) | hasZero(x^0x7f*ones)
	}
	return bad&highs == 0
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// hasZero has the high bit of some byte set when a byte of y is zero
// (and only then, though not always of that very byte).
func hasZero(y uint64) uint64 { return (y - ones) &^ y }

const hexDigits = "0123456789abcdef"

// appendUUID appends the canonical 36-character text of u.
func appendUUID(dst []byte, u *uuid) []byte {
	var t [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			t[j] = '-'
			j++
		}
		t[j] = hexDigits[c>>4]
		t[j+1] = hexDigits[c&0xf]
		j += 2
	}
	return append(dst, t[:]...)
}
