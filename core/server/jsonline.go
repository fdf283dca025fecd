package server

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// jsonLine builds one log record as a JSON object on one line, in the
// layout of log/slog's JSON handler ({"time":…,"level":…,"msg":…, then
// the attributes in order}), without its per-record reflection and
// allocation: the access log writes one for every request.
type jsonLine struct{ b []byte }

// start begins a record at t with level INFO and message msg.
func (l *jsonLine) start(t time.Time, msg string) {
	l.b = append(l.b[:0], `{"time":"`...)
	l.b = t.AppendFormat(l.b, time.RFC3339Nano)
	l.b = append(l.b, `","level":"INFO","msg":`...)
	l.b = appendJSONString(l.b, msg)
}

func (l *jsonLine) key(k string) {
	l.b = append(l.b, ',', '"')
	l.b = append(l.b, k...)
	l.b = append(l.b, '"', ':')
}

// str adds a string attribute; k must need no escaping.
func (l *jsonLine) str(k, v string) {
	l.key(k)
	l.b = appendJSONString(l.b, v)
}

func (l *jsonLine) int(k string, v int) {
	l.key(k)
	l.b = strconv.AppendInt(l.b, int64(v), 10)
}

func (l *jsonLine) float(k string, v float64) {
	l.key(k)
	l.b = strconv.AppendFloat(l.b, v, 'f', -1, 64)
}

// end closes the record and returns it with its line feed.
func (l *jsonLine) end() []byte {
	l.b = append(l.b, '}', '\n')
	return l.b
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, U+2028 and U+2029 escaped (JavaScript reads
// them as line ends), and each byte of invalid UTF-8 replaced by U+FFFD,
// so that no value a client sends can break the line or the record.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
