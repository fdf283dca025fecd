package xml

import (
	"context"
	stdxml "encoding/xml"
	"errors"
	"io"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

var two = []indicator.Indicator{{Type: indicator.IPv4, Value: "1.2.3.4"}, {Type: indicator.IPv4, Value: "5.6.7.8"}}

func subjects(vs ...string) []indicator.Indicator {
	out := make([]indicator.Indicator, len(vs))
	for i, v := range vs {
		out[i] = indicator.Indicator{Type: indicator.EmailSubject, Value: v}
	}
	return out
}

func TestRenderBytes(t *testing.T) {
	tests := []struct {
		name     string
		dataType string
		in       []indicator.Indicator
		want     string
		drops    map[string]int
	}{
		{"original two entries", "ipv4", two, "<?xml version='1.0' encoding='utf8'?>\n<ipv4><entry>1.2.3.4</entry><entry>5.6.7.8</entry></ipv4>", nil},
		{"original empty", "ipv4", nil, "<?xml version='1.0' encoding='utf8'?>\n<ipv4 />", nil},
		{"root from data type", "file-md5", []indicator.Indicator{{Type: indicator.MD5, Value: "d41d8cd98f00b204e9800998ecf8427e"}},
			"<?xml version='1.0' encoding='utf8'?>\n<file-md5><entry>d41d8cd98f00b204e9800998ecf8427e</entry></file-md5>", nil},
		{"default root", "", two[:1], "<?xml version='1.0' encoding='utf8'?>\n<indicators><entry>1.2.3.4</entry></indicators>", nil},
		{"specials escaped, quotes kept", "url", subjects(`http://x.example/?a=<b>&c="d"&e='f'`),
			"<?xml version='1.0' encoding='utf8'?>\n<url><entry>http://x.example/?a=&lt;b&gt;&amp;c=\"d\"&amp;e='f'</entry></url>", nil},
		{"UTF-8 kept", "email-subject", subjects("Ünïcödé – 日本語 🎉"),
			"<?xml version='1.0' encoding='UTF-8'?>\n<email-subject><entry>Ünïcödé – 日本語 🎉</entry></email-subject>", nil},
		{"multi-line rule kept, CR as reference", "yara", []indicator.Indicator{{Type: indicator.Yara, Value: "rule a\n{\r\tcondition: true\n}"}},
			"<?xml version='1.0' encoding='utf8'?>\n<yara><entry>rule a\n{&#13;\tcondition: true\n}</entry></yara>", nil},
		{"control character dropped", "email-subject", subjects("bell\x07ring", "ok", "esc\x1b"),
			"<?xml version='1.0' encoding='utf8'?>\n<email-subject><entry>ok</entry></email-subject>", map[string]int{DropForbiddenChar: 2}},
		{"non-characters dropped", "email-subject", subjects("a\uffff", "b\ufffe", "c\ufffd"),
			"<?xml version='1.0' encoding='UTF-8'?>\n<email-subject><entry>c\ufffd</entry></email-subject>", map[string]int{DropForbiddenChar: 2}},
		{"invalid UTF-8 dropped", "email-subject", subjects("a\xffb", "ok"),
			"<?xml version='1.0' encoding='utf8'?>\n<email-subject><entry>ok</entry></email-subject>", map[string]int{DropInvalidUTF8: 1}},
		{"everything dropped", "email-subject", subjects("\x01"),
			"<?xml version='1.0' encoding='utf8'?>\n<email-subject />", map[string]int{DropForbiddenChar: 1}},
		{"DEL, NEL and BOM allowed", "mutex", subjects("a\x7fb\u0085c\ufeff"),
			"<?xml version='1.0' encoding='UTF-8'?>\n<mutex><entry>a\x7fb\u0085c\ufeff</entry></mutex>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conformance.Render(t, Renderer{}, renderers.Request{DataType: tt.dataType}, tt.in)
			if string(got.Out) != tt.want {
				t.Errorf("output = %q, want %q", got.Out, tt.want)
			}
			if !maps.Equal(got.Drops, tt.drops) {
				t.Errorf("drops = %v, want %v", got.Drops, tt.drops)
			}
		})
	}
}

func TestBadRoot(t *testing.T) {
	for _, dt := range []string{"1ipv4", "a b", "<x>", "ip/v4"} {
		t.Run(dt, func(t *testing.T) {
			err := Renderer{}.Render(context.Background(), io.Discard, renderers.Request{DataType: dt}, renderers.Slice(two))
			want := "xml: render: data type \"" + dt + "\" is not an XML element name"
			if err == nil || err.Error() != want {
				t.Fatalf("Render = %v, want %q", err, want)
			}
		})
	}
	for _, dt := range indicator.DataTypeNames() {
		if !validName(dt) {
			t.Errorf("data type %q is not a valid root name", dt)
		}
	}
}

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestConformance(t *testing.T) { rendertest.Conforms(t, Renderer{}) }

func TestRegistered(t *testing.T) { rendertest.Registered(t, Renderer{}) }

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
	ins := append(conformance.RealIndicators(t), conformance.Sample()...)
	got := conformance.Render(t, Renderer{}, renderers.Request{DataType: "url"}, ins)
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

var benchInput = sync.OnceValue(func() []indicator.Indicator { return conformance.Generated(1_000_000, 1) })

func BenchmarkRender(b *testing.B) {
	ins := benchInput()
	req := renderers.Request{DataType: "ipv4"}
	b.ReportAllocs()
	conformance.BenchmarkRender(b, Renderer{}, req, ins)
}
