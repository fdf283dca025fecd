package json

import (
	stdjson "encoding/json"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var two = rendertest.IPs("1.2.3.4", "5.6.7.8")

func TestRenderBytes(t *testing.T) {
	rendertest.Rows(t, Renderer{}, rendertest.OfDataType("ipv4"), []rendertest.Row{
		{"original two entries", nil, two, `["1.2.3.4", "5.6.7.8"]`, nil},
		{"original empty", nil, nil, `[]`, nil},
		{"one entry", nil, two[:1], `["1.2.3.4"]`, nil},
		{"multi-line rule carried", nil, []indicator.Indicator{{Type: indicator.Yara, Value: "rule a\n{\n\tcondition: true\n}"}}, `["rule a\n{\n\tcondition: true\n}"]`, nil},
	}, nil)
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

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

// TestRealData renders every real indicator and decodes the array back.
func TestRealData(t *testing.T) {
	ins := append(rendertest.RealIndicators(t), rendertest.Sample()...)
	checkParsed(t, ins, rendertest.Render(t, Renderer{}, renderers.Request{}, ins))
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, renderers.Request{DataType: "ipv4"})
}

// FuzzRender checks that the output is ASCII-only JSON that encoding/json
// parses back to the values, in order. Bytes that are not UTF-8 come back
// as U+FFFD, one per byte, as the original's json.dumps never saw them.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, Renderer{}, []map[string]string{nil}, func(t *testing.T, _ renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		checkParsed(t, ins, got)
	})
}

// checkParsed fails t unless got, rendered from ins, reports no drop and
// is printable ASCII that encoding/json parses back to the values (bytes
// that are not UTF-8 as U+FFFD), in order.
func checkParsed(t *testing.T, ins []indicator.Indicator, got rendertest.Rendered) {
	t.Helper()
	if len(got.Drops) > 0 {
		t.Errorf("drops %v, want none", got.Drops)
	}
	for i, c := range got.Out {
		if c < 0x20 || c > 0x7e {
			t.Fatalf("byte %d is %#x, want printable ASCII only", i, c)
		}
	}
	var values []string
	if err := stdjson.Unmarshal(got.Out, &values); err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, got.Out)
	}
	want := rendertest.ValuesAsUTF8(ins)
	if !slices.Equal(values, want) && !(len(values) == 0 && len(want) == 0) {
		t.Fatalf("parsed values differ:\n got %q\nwant %q", values, want)
	}
}
