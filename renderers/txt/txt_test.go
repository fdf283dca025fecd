package txt

import (
	"maps"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var (
	two  = rendertest.IPs("1.2.3.4", "5.6.7.8")
	rule = indicator.Indicator{Type: indicator.Yara, Value: "rule a\n{\ncondition: true\n}"}
	cr   = indicator.Indicator{Type: indicator.Yara, Value: "rule b\r{ condition: true }"}
)

func TestRenderBytes(t *testing.T) {
	rendertest.Rows(t, Renderer{}, rendertest.OfDataType("ipv4"), []rendertest.Row{
		{"original two entries", nil, two, "1.2.3.4\r\n5.6.7.8", nil},
		{"original empty", nil, nil, "", nil},
		{"one entry", nil, rendertest.IPs("1.2.3.4"), "1.2.3.4", nil},
		{"explicit defaults", map[string]string{"line_ending": "crlf", "trailing_newline": "false"}, two, "1.2.3.4\r\n5.6.7.8", nil},
		{"lf", map[string]string{"line_ending": "lf"}, two, "1.2.3.4\n5.6.7.8", nil},
		{"lf with trailing newline", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, two, "1.2.3.4\n5.6.7.8\n", nil},
		{"crlf with trailing newline", map[string]string{"trailing_newline": "true"}, two, "1.2.3.4\r\n5.6.7.8\r\n", nil},
		{"empty with trailing newline", map[string]string{"trailing_newline": "true"}, nil, "", nil},
		{"option values ignore case", map[string]string{"line_ending": "LF", "trailing_newline": "True"}, two, "1.2.3.4\n5.6.7.8\n", nil},
		{"multi-line rule dropped", nil, append(rendertest.IPs("1.2.3.4"), rule, two[1]), "1.2.3.4\r\n5.6.7.8", map[string]int{DropMultiLine: 1}},
		{"lone CR counts as a line break", nil, []indicator.Indicator{cr, two[0]}, "1.2.3.4", map[string]int{DropMultiLine: 1}},
		{"line breaks of other line readers count", nil, []indicator.Indicator{
			{Type: indicator.Yara, Value: "rule c\f{ condition: true }"}, {Type: indicator.Yara, Value: "rule d\u2028{ condition: true }"},
			{Type: indicator.Yara, Value: "rule e\u0085{ condition: true }"}, {Type: indicator.Yara, Value: "rule f\x1e{ condition: true }"}, two[0],
		}, "1.2.3.4", map[string]int{DropMultiLine: 4}},
		{"only multi-line values", map[string]string{"trailing_newline": "true"}, []indicator.Indicator{rule, cr}, "", map[string]int{DropMultiLine: 2}},
		{"values kept byte for byte", nil, []indicator.Indicator{
			{Type: indicator.EmailSubject, Value: "Ünïcödé – \"q\" <b>&amp;"},
			{Type: indicator.EmailSubject, Value: "tab\there\x07"},
		}, "Ünïcödé – \"q\" <b>&amp;\r\ntab\there\x07", nil},
	}, nil)
}

func TestValidateOptions(t *testing.T) {
	rendertest.OptionErrors(t, Renderer{}, []rendertest.OptionError{
		{"none", nil, ""},
		{"defaults", map[string]string{"line_ending": "crlf", "trailing_newline": "false"}, ""},
		{"lf and true", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, ""},
		{"bad line ending", map[string]string{"line_ending": "cr"}, `renderer txt: option line_ending: want one of crlf, lf; got "cr"`},
		{"line ending in capitals", map[string]string{"line_ending": "LF"}, ""},
		{"boolean spellings", map[string]string{"trailing_newline": "TRUE"}, ""},
		{"bad boolean", map[string]string{"trailing_newline": "yes"}, `renderer txt: option trailing_newline: want true or false; got "yes"`},
		{"unknown option", map[string]string{"colour": "x"}, `renderer txt: unknown option "colour" (valid: line_ending, trailing_newline)`},
	})
	rendertest.RenderError(t, Renderer{}, renderers.Request{Options: map[string]string{"line_ending": "cr"}},
		`txt: render: renderer txt: option line_ending: want one of crlf, lf; got "cr"`)
}

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

// TestRealData renders every real indicator and reads the lines back.
func TestRealData(t *testing.T) {
	ins := rendertest.RealIndicators(t)
	opts := map[string]string{"line_ending": "lf"}
	got := rendertest.Render(t, Renderer{}, renderers.Request{Options: opts}, ins)
	checkValues(t, opts, ins, got)
	t.Logf("%d indicators, drops %v", len(ins), got.Drops)
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, renderers.Request{DataType: "ipv4"})
}

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"line_ending": "lf", "trailing_newline": "true"},
	{"line_ending": "lf"},
	{"trailing_newline": "true"},
}

// FuzzRender checks that every single-line value comes back as exactly
// one line, in order, and that every multi-line value is reported as
// dropped.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		checkValues(t, req.Options, ins, got)
	})
}

// checkValues fails t unless got, rendered from ins with opts, holds
// every single-line value as exactly one line, in order, and reports
// every multi-line value dropped.
func checkValues(t *testing.T, opts map[string]string, ins []indicator.Indicator, got rendertest.Rendered) {
	t.Helper()
	var want []string
	multi := 0
	for _, in := range ins {
		if in.MultiLine() {
			multi++
			continue
		}
		want = append(want, in.Value)
	}
	wantDrops := map[string]int{}
	if multi > 0 {
		wantDrops[DropMultiLine] = multi
	}
	if !maps.Equal(got.Drops, wantDrops) {
		t.Errorf("drops %v, want %v", got.Drops, wantDrops)
	}
	layout, err := ParseLayout(opts)
	if err != nil {
		t.Fatal(err)
	}
	lines := rendertest.Split(t, got.Out, layout.EOL, layout.TrailingNewline, len(want) == 0)
	if lines == nil {
		return
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("lines differ from the values:\n got %q\nwant %q", lines, want)
	}
}
