package json

import (
	stdjson "encoding/json"
	"sync"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

var two = []indicator.Indicator{{Type: indicator.IPv4, Value: "1.2.3.4"}, {Type: indicator.IPv4, Value: "5.6.7.8"}}

func TestRenderBytes(t *testing.T) {
	tests := []struct {
		name string
		in   []indicator.Indicator
		want string
	}{
		{"original two entries", two, `["1.2.3.4", "5.6.7.8"]`},
		{"original empty", nil, `[]`},
		{"one entry", two[:1], `["1.2.3.4"]`},
		{"multi-line rule carried", []indicator.Indicator{{Type: indicator.Yara, Value: "rule a\n{\n\tcondition: true\n}"}}, `["rule a\n{\n\tcondition: true\n}"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rendertest.Expect(t, conformance.Render(t, Renderer{}, renderers.Request{DataType: "ipv4"}, tt.in), tt.want, nil)
		})
	}
}

// TestAppendString compares with Python's json.dumps of the same strings.
func TestAppendString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "1.2.3.4", `"1.2.3.4"`},
		{"quote", `a"b`, `"a\"b"`},
		{"backslash", `back\slash`, `"back\\slash"`},
		{"slash not escaped", "a/b", `"a/b"`},
		{"named controls", "tab\tnl\ncr\rbs\bff\f", `"tab\tnl\ncr\rbs\bff\f"`},
		{"other controls and DEL", "\x00\x01\x1f\x7f", `"\u0000\u0001\u001f\u007f"`},
		{"Latin-1", "éü", `"\u00e9\u00fc"`},
		{"CJK", "日本", `"\u65e5\u672c"`},
		{"astral as surrogate pair", "🎉", `"\ud83c\udf89"`},
		{"line and paragraph separators", "\u2028\u2029", `"\u2028\u2029"`},
		{"byte order mark", "\ufeff", `"\ufeff"`},
		{"HTML specials kept", "<script>&amp;</script>", `"<script>&amp;</script>"`},
		{"apostrophe", "it's", `"it's"`},
		{"invalid UTF-8 as replacement", "a\xffb", `"a\ufffdb"`},
		{"empty", "", `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendString(nil, tt.in)); got != tt.want {
				t.Errorf("AppendString(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestConformance(t *testing.T) { rendertest.Conforms(t, Renderer{}) }

func TestRegistered(t *testing.T) { rendertest.Registered(t, Renderer{}) }

// TestRealData renders every real indicator and decodes the array back.
func TestRealData(t *testing.T) {
	ins := append(conformance.RealIndicators(t), conformance.Sample()...)
	got := conformance.Render(t, Renderer{}, renderers.Request{}, ins)
	var vs []string
	if err := stdjson.Unmarshal(got.Out, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(ins) {
		t.Fatalf("%d values, want %d", len(vs), len(ins))
	}
	for i, v := range vs {
		if v != ins[i].Value {
			t.Fatalf("value %d = %q, want %q", i, v, ins[i].Value)
		}
	}
	for i, c := range got.Out {
		if c >= 0x80 || c < 0x20 {
			t.Fatalf("byte %d is %#x: output must be printable ASCII", i, c)
		}
	}
}

var benchInput = sync.OnceValue(func() []indicator.Indicator { return conformance.Generated(1_000_000, 1) })

func BenchmarkRender(b *testing.B) {
	ins := benchInput()
	req := renderers.Request{DataType: "ipv4"}
	b.ReportAllocs()
	conformance.BenchmarkRender(b, Renderer{}, req, ins)
}
