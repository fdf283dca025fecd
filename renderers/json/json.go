// Package json renders a JSON array of the values with the bytes of the
// original service, Python's json.dumps(list): ", " between elements, and
// everything outside printable ASCII escaped (\uXXXX, surrogate pairs
// above U+FFFF, \n \r \t \b \f for those controls, '/' left alone).
// An empty list is "[]".
package json

import (
	"context"
	"io"
	"iter"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func init() { renderers.Register(Renderer{}) }

// Renderer is the json renderer.
type Renderer struct{}

// Info implements renderers.Renderer.
func (Renderer) Info() renderers.Info {
	return renderers.ListInfo("json",
		"JSON array of the values, byte-compatible with the original (ASCII-only, \", \" separators)",
		"application/json", ".json")
}

// Render implements renderers.Renderer.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return renderers.WriteList(ctx, w, "json", in, "[", func(b []byte, n int, x indicator.Indicator) ([]byte, bool) {
		if n > 0 {
			b = append(b, ", "...)
		}
		return AppendString(b, x.Value), true
	}, func(int) string { return "]" })
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string the way Python's json.dumps
// writes it with ensure_ascii: '"' and '\' backslash-escaped; \n, \r, \t,
// \b, \f by name; other controls, DEL and every non-ASCII character as
// \uXXXX in lower-case hex (a surrogate pair above U+FFFF). Bytes that are
// not UTF-8 are written as \ufffd.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU(dst, rune(c))
			}
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				dst = appendU(appendU(dst, r1), r2)
			} else {
				dst = appendU(dst, r)
			}
			i += size
		}
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
