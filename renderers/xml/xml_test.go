package xml

import (
	stdxml "encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var two = rendertest.IPs("1.2.3.4", "5.6.7.8")

func TestRenderBytes(t *testing.T) {
	rendertest.TypedRows(t, Renderer{}, rendertest.Request, []rendertest.TypedRow{
		{"original two entries", "ipv4", nil, two, "<?xml version='1.0' encoding='utf8'?>\n<ipv4><entry>1.2.3.4</entry><entry>5.6.7.8</entry></ipv4>", nil},
		{"original empty", "ipv4", nil, nil, "<?xml version='1.0' encoding='utf8'?>\n<ipv4 />", nil},
		{"root from data type", "file-md5", nil, []indicator.Indicator{{Type: indicator.MD5, Value: "d41d8cd98f00b204e9800998ecf8427e"}},
			"<?xml version='1.0' encoding='utf8'?>\n<file-md5><entry>d41d8cd98f00b204e9800998ecf8427e</entry></file-md5>", nil},
		{"default root", "", nil, two[:1], "<?xml version='1.0' encoding='utf8'?>\n<indicators><entry>1.2.3.4</entry></indicators>", nil},
		{"specials escaped, quotes kept", "url", nil, rendertest.Subjects(`http://x.example/?a=<b>&c="d"&e='f'`),
			"<?xml version='1.0' encoding='utf8'?>\n<url><entry>http://x.example/?a=&lt;b&gt;&amp;c=\"d\"&amp;e='f'</entry></url>", nil},
		{"UTF-8 kept", "email-subject", nil, rendertest.Subjects("Ünïcödé – 日本語 🎉"),
			"<?xml version='1.0' encoding='UTF-8'?>\n<email-subject><entry>Ünïcödé – 日本語 🎉</entry></email-subject>", nil},
		{"multi-line rule kept, CR as reference", "yara", nil, []indicator.Indicator{{Type: indicator.Yara, Value: "rule a\n{\r\tcondition: true\n}"}},
			"<?xml version='1.0' encoding='utf8'?>\n<yara><entry>rule a\n{&#13;\tcondition: true\n}</entry></yara>", nil},
		{"control character dropped", "email-subject", nil, rendertest.Subjects("bell\x07ring", "ok", "esc\x1b"),
			"<?xml version='1.0' encoding='utf8'?>\n<email-subject><entry>ok</entry></email-subject>", map[string]int{DropForbiddenChar: 2}},
		{"non-characters dropped", "email-subject", nil, rendertest.Subjects("a\uffff", "b\ufffe", "c\ufffd"),
			"<?xml version='1.0' encoding='UTF-8'?>\n<email-subject><entry>c\ufffd</entry></email-subject>", map[string]int{DropForbiddenChar: 2}},
		{"invalid UTF-8 dropped", "email-subject", nil, rendertest.Subjects("a\xffb", "ok"),
			"<?xml version='1.0' encoding='utf8'?>\n<email-subject><entry>ok</entry></email-subject>", map[string]int{DropInvalidUTF8: 1}},
		{"everything dropped", "email-subject", nil, rendertest.Subjects("\x01"),
			"<?xml version='1.0' encoding='utf8'?>\n<email-subject />", map[string]int{DropForbiddenChar: 1}},
		{"DEL, NEL and BOM allowed", "mutex", nil, rendertest.Subjects("a\x7fb\u0085c\ufeff"),
			"<?xml version='1.0' encoding='UTF-8'?>\n<mutex><entry>a\x7fb\u0085c\ufeff</entry></mutex>", nil},
	}, nil)
}

func TestBadRoot(t *testing.T) {
	for _, dt := range []string{"1ipv4", "a b", "<x>", "ip/v4"} {
		t.Run(dt, func(t *testing.T) {
			rendertest.RenderError(t, Renderer{}, renderers.Request{DataType: dt}, "xml: render: data type \""+dt+"\" is not an XML element name")
		})
	}
	for _, dt := range indicator.DataTypeNames() {
		if !validName(dt) {
			t.Errorf("data type %q is not a valid root name", dt)
		}
	}
}

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

// parse reads a rendered document back with encoding/xml.
func parse(t *testing.T, doc []byte) (root string, entries []string) {
	t.Helper()
	d := stdxml.NewDecoder(strings.NewReader(string(doc)))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if label != "utf8" {
			return nil, errors.New("unexpected charset " + label)
		}
		return r, nil
	}
	var v struct {
		XMLName stdxml.Name
		Entry   []string `xml:"entry"`
	}
	if err := d.Decode(&v); err != nil {
		t.Fatalf("parse: %v", err)
	}
	return v.XMLName.Local, v.Entry
}

// TestRealData renders every real indicator and the sample, parses the
// document and compares the entries with the values that were kept.
func TestRealData(t *testing.T) {
	ins := append(rendertest.RealIndicators(t), rendertest.Sample()...)
	got := rendertest.Render(t, Renderer{}, renderers.Request{DataType: "url"}, ins)
	var want []string
	for _, in := range ins {
		if check(in.Value) == ok {
			want = append(want, in.Value)
		}
	}
	root, entries := parse(t, got.Out)
	if root != "url" || len(entries) != len(want) {
		t.Fatalf("root %q with %d entries, want url with %d", root, len(entries), len(want))
	}
	for i := range entries {
		if entries[i] != want[i] {
			t.Fatalf("entry %d = %q, want %q", i, entries[i], want[i])
		}
	}
	if dropped := len(ins) - len(want); got.Drops[DropForbiddenChar] != dropped {
		t.Errorf("drops = %v, want %d forbidden", got.Drops, dropped)
	}
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, renderers.Request{DataType: "ipv4"})
}

// FuzzRender checks that encoding/xml (strict) reads the output as one
// root element named after the data type holding one <entry> per value,
// in order, with exactly the text of the value; values XML 1.0 cannot
// carry are reported as dropped instead.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, Renderer{}, []map[string]string{nil}, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		var want []string
		wantDrops := map[string]int{}
		for _, in := range ins {
			switch {
			case !utf8.ValidString(in.Value):
				wantDrops[DropInvalidUTF8]++
			case strings.ContainsFunc(in.Value, func(c rune) bool { return !fuzzXMLChar(c) }):
				wantDrops[DropForbiddenChar]++
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
	d := stdxml.NewDecoder(strings.NewReader(string(doc)))
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
		case stdxml.StartElement:
			depth++
			switch {
			case depth == 1:
				root = tok.Name.Local
			case depth == 2 && tok.Name.Local == "entry" && len(tok.Attr) == 0:
				text = &strings.Builder{}
			default:
				return "", nil, fmt.Errorf("unexpected element <%s> at depth %d", tok.Name.Local, depth)
			}
		case stdxml.EndElement:
			if depth == 2 {
				entries = append(entries, text.String())
				text = nil
			}
			depth--
		case stdxml.CharData:
			if text == nil {
				if depth > 0 || strings.TrimSpace(string(tok)) != "" {
					return "", nil, fmt.Errorf("text %q outside an entry", tok)
				}
				continue
			}
			text.Write(tok)
		case stdxml.ProcInst, stdxml.Comment:
		default:
			return "", nil, fmt.Errorf("unexpected token %T", tok)
		}
	}
	if root == "" {
		return "", nil, fmt.Errorf("no root element")
	}
	return root, entries, nil
}
