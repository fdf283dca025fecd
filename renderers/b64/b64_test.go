package b64

import (
	"encoding/base64"
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/txt"
)

var two = rendertest.IPs("1.2.3.4", "5.6.7.8")

func TestRenderBytes(t *testing.T) {
	rendertest.Rows(t, Renderer{}, rendertest.OfDataType("ipv4"), []rendertest.Row{
		{"original two entries", nil, two, "MS4yLjMuNA==\r\nNS42LjcuOA==", nil},
		{"original empty", nil, nil, "", nil},
		{"lf with trailing newline", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, two, "MS4yLjMuNA==\nNS42LjcuOA==\n", nil},
		{"crlf with trailing newline", map[string]string{"trailing_newline": "true"}, two, "MS4yLjMuNA==\r\nNS42LjcuOA==\r\n", nil},
		{"empty with trailing newline", map[string]string{"trailing_newline": "true"}, nil, "", nil},
		{"padding lengths", nil, rendertest.Subjects("a", "ab", "abc"), "YQ==\r\nYWI=\r\nYWJj", nil},
		{"standard alphabet with + and /", nil, rendertest.Subjects("\xfb\xff\xbf>?"), "+/+/Pj8=", nil},
		{"UTF-8 bytes", nil, rendertest.Subjects("é日🎉"), "w6nml6Xwn46J", nil},
		{"multi-line rule carried", nil, []indicator.Indicator{{Type: indicator.Yara, Value: "rule a\n{\ncondition: true\n}"}}, "cnVsZSBhCnsKY29uZGl0aW9uOiB0cnVlCn0=", nil},
	}, nil)
}

func TestValidateOptions(t *testing.T) {
	rendertest.OptionErrors(t, Renderer{}, []rendertest.OptionError{
		{"none", nil, ""},
		{"lf and true", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, ""},
		{"bad line ending", map[string]string{"line_ending": "\\n"}, `renderer b64: option line_ending: want one of crlf, lf; got "\\n"`},
		{"unknown option", map[string]string{"padding": "no"}, `renderer b64: unknown option "padding" (valid: line_ending, trailing_newline)`},
	})
	rendertest.RenderError(t, Renderer{}, renderers.Request{Options: map[string]string{"trailing_newline": "on"}},
		`b64: render: renderer b64: option trailing_newline: want true or false; got "on"`)
}

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

// TestRealData renders every real indicator and decodes the lines back.
func TestRealData(t *testing.T) {
	ins := append(rendertest.RealIndicators(t), rendertest.Sample()...)
	checkDecoded(t, nil, ins, rendertest.Render(t, Renderer{}, renderers.Request{}, ins))
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, renderers.Request{DataType: "ipv4"})
}

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"line_ending": "lf", "trailing_newline": "true"},
	{"trailing_newline": "true"},
}

// FuzzRender checks that every line is strict, padded base64 and that
// the lines decode to the values, multi-line rules included, in order.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		checkDecoded(t, req.Options, ins, got)
	})
}

// checkDecoded fails t unless got, rendered from ins with opts, reports
// no drop and holds one line of strict, padded base64 a value, decoding
// to the value, in order.
func checkDecoded(t *testing.T, opts map[string]string, ins []indicator.Indicator, got rendertest.Rendered) {
	t.Helper()
	if len(got.Drops) > 0 {
		t.Errorf("drops %v, want none", got.Drops)
	}
	layout, err := txt.ParseLayout(opts)
	if err != nil {
		t.Fatal(err)
	}
	lines := rendertest.Split(t, got.Out, layout.EOL, layout.TrailingNewline, len(ins) == 0)
	if lines == nil {
		return
	}
	if len(lines) != len(ins) {
		t.Fatalf("%d lines for %d values", len(lines), len(ins))
	}
	for i, line := range lines {
		dec, err := base64.StdEncoding.Strict().DecodeString(line)
		if err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		if string(dec) != ins[i].Value {
			t.Fatalf("line %d decodes to %q, want %q", i+1, dec, ins[i].Value)
		}
	}
}
