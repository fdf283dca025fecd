// Package xml renders the values as the original service's XML document:
//
//	<?xml version='1.0' encoding='utf8'?>
//	<ipv4><entry>198.51.100.7</entry>…</ipv4>
//
// The original's declaration is kept only where it is valid for the
// parsers that read it: a document with a non-ASCII value declares
// encoding='UTF-8' instead (Python's parser refuses 'utf8' there).
//
// on one line after the declaration, the root element named after
// Request.DataType, "<ipv4 />" when there is no entry. In text '&', '<' and
// '>' are escaped and quotes are not, as the original's serialiser does; a
// carriage return inside a rule is written as &#13; so that it survives
// parsing. A value holding a character XML 1.0 forbids (most C0 controls,
// U+FFFE, U+FFFF) or bytes that are not UTF-8 would make a consumer's
// parser reject the whole document: it is left out and reported through
// Request.Drop.
package xml

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"unicode/utf8"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func init() { renderers.Register(Renderer{}) }

// Renderer is the xml renderer.
type Renderer struct{}

// Request.Drop reasons.
const (
	DropForbiddenChar = "character not allowed in XML 1.0"
	DropInvalidUTF8   = "invalid UTF-8"
)

// DefaultRoot is the root element when Request.DataType is empty.
const DefaultRoot = "indicators"

// Header is the XML declaration the original writes. Its 'utf8' is
// Python's spelling, which Python's own parser (expat) refuses once a
// value is not ASCII, so it is written only for all-ASCII documents;
// any other document declares HeaderUTF8.
const Header = "<?xml version='1.0' encoding='utf8'?>\n"

// HeaderUTF8 is the declaration of a document with a non-ASCII value.
const HeaderUTF8 = "<?xml version='1.0' encoding='UTF-8'?>\n"

// Info implements renderers.Renderer.
func (Renderer) Info() renderers.Info {
	return renderers.ListInfo("xml",
		"XML document with one <entry> per value under a root named after the data type, as the original",
		"text/xml; charset=utf-8", ".xml")
}

// Render implements renderers.Renderer.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	root := req.DataType
	if root == "" {
		root = DefaultRoot
	}
	if !validName(root) {
		return fmt.Errorf("xml: render: data type %q is not an XML element name", root)
	}
	// The body is held until its end: the declaration depends on whether
	// any value is not ASCII.
	var body bytes.Buffer
	ascii := true
	forbidden, invalid := 0, 0
	err := renderers.WriteList(ctx, &body, "xml", in, "", func(b []byte, n int, x indicator.Indicator) ([]byte, bool) {
		switch check(x.Value) {
		case forbiddenChar:
			forbidden++
			return b, false
		case badUTF8:
			invalid++
			return b, false
		}
		if n == 0 {
			b = append(b, '<')
			b = append(b, root...)
			b = append(b, '>')
		}
		ascii = ascii && isASCII(x.Value)
		b = append(b, "<entry>"...)
		b = AppendText(b, x.Value)
		return append(b, "</entry>"...), true
	}, func(n int) string {
		if n == 0 {
			return "<" + root + " />"
		}
		return "</" + root + ">"
	})
	if err != nil {
		return err
	}
	header := Header
	if !ascii {
		header = HeaderUTF8
	}
	if _, err := io.WriteString(w, header); err != nil {
		return fmt.Errorf("xml: render: %w", err)
	}
	if _, err := body.WriteTo(w); err != nil {
		return fmt.Errorf("xml: render: %w", err)
	}
	req.Drop(DropForbiddenChar, forbidden)
	req.Drop(DropInvalidUTF8, invalid)
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

type verdict int

const (
	ok verdict = iota
	forbiddenChar
	badUTF8
)

// Unfit returns why s cannot be XML 1.0 character data (DropInvalidUTF8
// or DropForbiddenChar), or "" when it can.
func Unfit(s string) string {
	switch check(s) {
	case forbiddenChar:
		return DropForbiddenChar
	case badUTF8:
		return DropInvalidUTF8
	}
	return ""
}

// check reports whether s can be XML 1.0 character data. Invalid UTF-8
// anywhere is reported as such, before any other fault.
func check(s string) verdict {
	if !utf8.ValidString(s) {
		return badUTF8
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return forbiddenChar
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return badUTF8
		}
		if r == 0xfffe || r == 0xffff {
			return forbiddenChar
		}
		i += size
	}
	return ok
}

// AppendText appends s as XML character data: '&', '<' and '>' as
// entities, a carriage return as &#13;, everything else as is.
func AppendText(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#13;"
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// validName reports whether s is a simple XML element name: an ASCII
// letter or '_', then letters, digits, '-', '_' and '.'.
func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}
