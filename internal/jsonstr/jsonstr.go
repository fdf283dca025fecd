// Package jsonstr writes JSON string contents without reflection, for
// encoders that build their output by hand.
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// AppendEscaped appends s as the inside of a JSON string (without the
// enclosing quotes): '"' and '\' backslash-escaped, \n, \r and \t by name,
// other control characters as \u00XX, U+2028 and U+2029 escaped
// (JavaScript reads them as line ends), and each byte of invalid UTF-8 as
// \ufffd. Everything else, '<', '>', '&' and non-ASCII text included, is
// copied as it is, so that whatever s holds the result cannot end the
// string or the line.
func AppendEscaped(dst []byte, s string) []byte { return appendEscaped(dst, s, false) }

// AppendEscapedPHP is AppendEscaped the way PHP's json_encode writes a
// string with unescaped slashes and Unicode (MISP's answers): \b and \f
// by name, and each byte of invalid UTF-8 as the character U+FFFD itself.
func AppendEscapedPHP(dst []byte, s string) []byte { return appendEscaped(dst, s, true) }

func appendEscaped(dst []byte, s string, php bool) []byte {
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && plain8(s, i) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case php && c == '\b':
				dst = append(dst, '\\', 'b')
			case php && c == '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			if php {
				dst = append(dst, "\ufffd"...)
			} else {
				dst = append(dst, `\ufffd`...)
			}
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// Eight bytes at a time: lsb has 1 in each byte, msb 0x80.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plain8 reports whether s[i:i+8] is all ASCII that is copied as it is:
// no control character, '"' or '\\', and no byte of 0x80 or more (which
// the loop reads as UTF-8). (x-lsb*0x20)&^x finds a byte below 0x20 when
// no byte has its top bit set, and |x refuses those that have; a false
// refusal only leaves the eight bytes to the loop.
func plain8(s string, i int) bool {
	x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
	q := x ^ lsb*'"'
	e := x ^ lsb*'\\'
	return ((x-lsb*0x20)&^x|(q-lsb)&^q|(e-lsb)&^e|x)&msb == 0
}

// Append appends s as a quoted JSON string.
func Append(dst []byte, s string) []byte {
	return append(AppendEscaped(append(dst, '"'), s), '"')
}

// AppendPHP appends s as a quoted JSON string as AppendEscapedPHP writes it.
func AppendPHP(dst []byte, s string) []byte {
	return append(AppendEscapedPHP(append(dst, '"'), s), '"')
}
