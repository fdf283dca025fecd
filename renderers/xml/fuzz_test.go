package xml_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	cxml "github.com/cratos-project/cratos/renderers/xml"
)

// FuzzRender checks that encoding/xml (strict) reads the output as one
// root element named after the data type holding one <entry> per value,
// in order, with exactly the text of the value; values XML 1.0 cannot
// carry are reported as dropped instead.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, cxml.Renderer{}, []map[string]string{nil}, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		var want []string
		wantDrops := map[string]int{}
		for _, in := range ins {
			switch {
			case !utf8.ValidString(in.Value):
				wantDrops[cxml.DropInvalidUTF8]++
			case strings.ContainsFunc(in.Value, func(c rune) bool { return !fuzzXMLChar(c) }):
				wantDrops[cxml.DropForbiddenChar]++
			default:
				want = append(want, in.Value)
			}
		}
		if !maps.Equal(got.Drops, wantDrops) {
			t.Errorf("drops %v, want %v", got.Drops, wantDrops)
		}
		root, entries, err := fuzzParseXML(got.Out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, got.Out)
		}
		if root != req.DataType {
			t.Errorf("root element %q, want %q", root, req.DataType)
		}
		if !slices.Equal(entries, want) {
			t.Fatalf("entries differ from the values:\n got %q\nwant %q", entries, want)
		}
	})
}

// fuzzXMLChar reports whether c is a Char of XML 1.0 (production 2).
func fuzzXMLChar(c rune) bool {
	return c == 0x9 || c == 0xa || c == 0xd || c >= 0x20 && c <= 0xd7ff || c >= 0xe000 && c <= 0xfffd || c >= 0x10000 && c <= 0x10ffff
}

// fuzzParseXML reads doc strictly and returns the root element's name and
// the text of each <entry> child; anything else is an error.
func fuzzParseXML(doc []byte) (string, []string, error) {
	d := xml.NewDecoder(strings.NewReader(string(doc)))
	d.Strict = true
	// The original declares encoding='utf8', an alias of UTF-8.
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf8") {
			return in, nil
		}
		return nil, fmt.Errorf("unexpected encoding %q", label)
	}
	var (
		root    string
		entries []string
		text    *strings.Builder
		depth   int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				root = tok.Name.Local
			case depth == 2 && tok.Name.Local == "entry" && len(tok.Attr) == 0:
				text = &strings.Builder{}
			default:
				return "", nil, fmt.Errorf("unexpected element <%s> at depth %d", tok.Name.Local, depth)
			}
		case xml.EndElement:
			if depth == 2 {
				entries = append(entries, text.String())
				text = nil
			}
			depth--
		case xml.CharData:
			if text == nil {
				if depth > 0 || strings.TrimSpace(string(tok)) != "" {
					return "", nil, fmt.Errorf("text %q outside an entry", tok)
				}
				continue
			}
			text.Write(tok)
		case xml.ProcInst, xml.Comment:
		default:
			return "", nil, fmt.Errorf("unexpected token %T", tok)
		}
	}
	if root == "" {
		return "", nil, fmt.Errorf("no root element")
	}
	return root, entries, nil
}
