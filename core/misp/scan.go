package misp

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The functions below check JSON the way fastjson.Parser does (the
// attribute scanner must accept and refuse exactly what it did): strings
// end at the first quote not escaped and their escapes are not checked;
// a number is any run of "0123456789.eE+-", or inf or nan in any case,
// after an optional sign; no value may nest deeper than maxDepth.

// skipWS returns the index of the first byte at or after i that is not
// JSON white space.
func skipWS(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' {
		return i
	}
	return skipWSLoop(b, i)
}

func skipWSLoop(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// Eight bytes at a time: lsb has 1 in each byte, msb 0x80.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// quoteOrBackslash has the top bit set in the first byte of x (in memory
// order) that is '"' or '\\' (and maybe in later bytes), and is 0 when
// there is none.
func quoteOrBackslash(x uint64) uint64 {
	q := x ^ lsb*'"'
	e := x ^ lsb*'\\'
	return ((q-lsb)&^q | (e-lsb)&^e) & msb
}

// scanString finds the closing quote of the string whose text starts at
// b[i]; it returns its index, or -1 when there is none, and whether the
// text holds a backslash. A backslash escapes the byte after it, whatever
// it is.
func scanString(b []byte, i int) (int, bool) {
	esc := false
	for {
		for i+8 <= len(b) {
			if m := quoteOrBackslash(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			return -1, esc
		}
		switch b[i] {
		case '"':
			return i, esc
		case '\\':
			esc = true
			i += 2
		default:
			i++
		}
	}
}

// isNumber reports whether c may be part of a number.
func isNumber(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+'
}

// hasPrefixFold reports whether b[i:] starts with word, ignoring ASCII case
// (word is lower case).
func hasPrefixFold(b []byte, i int, word string) bool {
	if len(b)-i < len(word) {
		return false
	}
	for j := range len(word) {
		if c := b[i+j]; c != word[j] && c|0x20 != word[j] {
			return false
		}
	}
	return true
}

// afterElement reads what follows an element of an object or array ending
// in closer, the element ending before b[i] (i is -1 when it is malformed).
// It returns the index of the next element, or with done set the index
// after the closer, or -1 when the container is malformed.
func afterElement(b []byte, i int, closer byte) (next int, done bool) {
	if i < 0 {
		return -1, true
	}
	i = skipWS(b, i)
	if i >= len(b) {
		return -1, true
	}
	switch b[i] {
	case ',':
		return skipWS(b, i+1), false
	case closer:
		return i + 1, true
	default:
		return -1, true
	}
}

// hasPrefix reports whether b[i:] starts with word.
func hasPrefix(b []byte, i int, word string) bool {
	return len(b)-i >= len(word) && string(b[i:i+len(word)]) == word
}

// skipValue checks the value at b[i], nested depth deep, and returns the
// index after it, or -1 when it is malformed.
func skipValue(b []byte, i, depth int) int {
	if i >= len(b) || depth > maxDepth {
		return -1
	}
	switch c := b[i]; c {
	case '{':
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == '}' {
			return i + 1
		}
		for {
			if i >= len(b) || b[i] != '"' {
				return -1
			}
			end, _ := scanString(b, i+1)
			if end < 0 {
				return -1
			}
			i = skipWS(b, end+1)
			if i >= len(b) || b[i] != ':' {
				return -1
			}
			var done bool
			if i, done = afterElement(b, skipValue(b, skipWS(b, i+1), depth+1), '}'); done {
				return i
			}
		}
	case '[':
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1
		}
		for {
			var done bool
			if i, done = afterElement(b, skipValue(b, i, depth+1), ']'); done {
				return i
			}
		}
	case '"':
		end, _ := scanString(b, i+1)
		if end < 0 {
			return -1
		}
		return end + 1
	case 't':
		if hasPrefix(b, i, "true") {
			return i + 4
		}
		return -1
	case 'f':
		if hasPrefix(b, i, "false") {
			return i + 5
		}
		return -1
	case 'n':
		if hasPrefix(b, i, "null") {
			return i + 4
		}
		if hasPrefixFold(b, i, "nan") {
			return i + 3
		}
		return -1
	}
	// A number.
	j := i
	for j < len(b) && isNumber(b[j]) {
		j++
	}
	if j == i || j == i+1 && (b[i] == '-' || b[i] == '+') {
		if hasPrefixFold(b, j, "inf") || hasPrefixFold(b, j, "nan") {
			return j + 3
		}
		return -1
	}
	return j
}

// unescape appends the text of a JSON string to dst with its escapes
// replaced, as fastjson does: an escape it does not know, or a \u without
// four hex digits, is kept as written, and a surrogate not followed by a
// \u escape is kept as written.
func unescape(dst, s []byte) []byte {
	for len(s) > 0 {
		n := indexByte(s, '\\')
		if n < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:n]...)
		s = s[n+1:]
		if len(s) == 0 {
			break
		}
		c := s[0]
		s = s[1:]
		switch c {
		case '"', '\\', '/':
			dst = append(dst, c)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			x, ok := hex4(s)
			if !ok {
				dst = append(dst, `\u`...)
				break
			}
			xs := s[:4]
			s = s[4:]
			if !utf16.IsSurrogate(x) {
				dst = utf8.AppendRune(dst, x)
				break
			}
			x1, ok := rune(0), false
			if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
				x1, ok = hex4(s[2:])
			}
			if !ok {
				dst = append(dst, `\u`...)
				dst = append(dst, xs...)
				break
			}
			dst = utf8.AppendRune(dst, utf16.DecodeRune(x, x1))
			s = s[6:]
		default:
			dst = append(dst, '\\', c)
		}
	}
	return dst
}

// hex4 reads four hex digits at the start of s.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var x rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		x = x<<4 | rune(c)
	}
	return x, true
}

// indexByte is bytes.IndexByte for the short texts of keys and values.
func indexByte(s []byte, c byte) int {
	for i, x := range s {
		if x == c {
			return i
		}
	}
	return -1
}
