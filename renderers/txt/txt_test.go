package txt

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

func ipv4(vs ...string) []indicator.Indicator {
	out := make([]indicator.Indicator, len(vs))
	for i, v := range vs {
		out[i] = indicator.Indicator{Type: indicator.IPv4, Value: v}
	}
	return out
}

var (
	two  = ipv4("1.2.3.4", "5.6.7.8")
	rule = indicator.Indicator{Type: indicator.Yara, Value: "rule a\n{\ncondition: true\n}"}
	cr   = indicator.Indicator{Type: indicator.Yara, Value: "rule b\r{ condition: true }"}
)

func TestRenderBytes(t *testing.T) {
	rendertest.Rows(t, Renderer{}, func(opts map[string]string) renderers.Request {
		return renderers.Request{DataType: "ipv4", Options: opts}
	}, []rendertest.Row{
		{"original two entries", nil, two, "1.2.3.4\r\n5.6.7.8", nil},
		{"original empty", nil, nil, "", nil},
		{"one entry", nil, ipv4("1.2.3.4"), "1.2.3.4", nil},
		{"explicit defaults", map[string]string{"line_ending": "crlf", "trailing_newline": "false"}, two, "1.2.3.4\r\n5.6.7.8", nil},
		{"lf", map[string]string{"line_ending": "lf"}, two, "1.2.3.4\n5.6.7.8", nil},
		{"lf with trailing newline", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, two, "1.2.3.4\n5.6.7.8\n", nil},
		{"crlf with trailing newline", map[string]string{"trailing_newline": "true"}, two, "1.2.3.4\r\n5.6.7.8\r\n", nil},
		{"empty with trailing newline", map[string]string{"trailing_newline": "true"}, nil, "", nil},
		{"option values ignore case", map[string]string{"line_ending": "LF", "trailing_newline": "True"}, two, "1.2.3.4\n5.6.7.8\n", nil},
		{"multi-line rule dropped", nil, append(ipv4("1.2.3.4"), rule, two[1]), "1.2.3.4\r\n5.6.7.8", map[string]int{DropMultiLine: 1}},
		{"lone CR counts as a line break", nil, []indicator.Indicator{cr, two[0]}, "1.2.3.4", map[string]int{DropMultiLine: 1}},
		{"only multi-line values", map[string]string{"trailing_newline": "true"}, []indicator.Indicator{rule, cr}, "", map[string]int{DropMultiLine: 2}},
		{"values kept byte for byte", nil, []indicator.Indicator{
			{Type: indicator.EmailSubject, Value: "Ünïcödé – \"q\" <b>&amp;"},
			{Type: indicator.EmailSubject, Value: "tab\there\x07"},
		}, "Ünïcödé – \"q\" <b>&amp;\r\ntab\there\x07", nil},
	}, nil)
}

func TestValidateOptions(t *testing.T) {
	tests := []struct {
		name string
		opts map[string]string
		want string // error text, "" for none
	}{
		{"none", nil, ""},
		{"defaults", map[string]string{"line_ending": "crlf", "trailing_newline": "false"}, ""},
		{"lf and true", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, ""},
		{"bad line ending", map[string]string{"line_ending": "cr"}, `renderer txt: option line_ending: want one of crlf, lf; got "cr"`},
		{"line ending in capitals", map[string]string{"line_ending": "LF"}, ""},
		{"boolean spellings", map[string]string{"trailing_newline": "TRUE"}, ""},
		{"bad boolean", map[string]string{"trailing_newline": "yes"}, `renderer txt: option trailing_newline: want true or false; got "yes"`},
		{"unknown option", map[string]string{"colour": "x"}, `renderer txt: unknown option "colour" (valid: line_ending, trailing_newline)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := renderers.ValidateOptions(Renderer{}, tt.opts)
			if got := errText(err); got != tt.want {
				t.Errorf("ValidateOptions = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderRejectsBadOptions(t *testing.T) {
	err := Renderer{}.Render(context.Background(), io.Discard, renderers.Request{Options: map[string]string{"line_ending": "cr"}}, renderers.Slice(two))
	if want := `txt: render: renderer txt: option line_ending: want one of crlf, lf; got "cr"`; errText(err) != want {
		t.Fatalf("Render = %v, want %q", err, want)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestConformance(t *testing.T) { rendertest.Conforms(t, Renderer{}) }

func TestRegistered(t *testing.T) { rendertest.Registered(t, Renderer{}) }

// TestRealData renders every real indicator and reads the lines back.
func TestRealData(t *testing.T) {
	ins := conformance.RealIndicators(t)
	var want []string
	multi := 0
	for _, in := range ins {
		if in.MultiLine() {
			multi++
			continue
		}
		want = append(want, in.Value)
	}
	got := conformance.Render(t, Renderer{}, renderers.Request{Options: map[string]string{"line_ending": "lf"}}, ins)
	lines := strings.Split(string(got.Out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i := range lines {
		if lines[i] != want[i] {
			t.Fatalf("line %d = %q, want %q", i+1, lines[i], want[i])
		}
	}
	if got.Drops[DropMultiLine] != multi {
		t.Errorf("dropped %d multi-line values, want %d", got.Drops[DropMultiLine], multi)
	}
	t.Logf("%d indicators, %d lines, %d multi-line values dropped", len(ins), len(lines), multi)
}

var benchInput = sync.OnceValue(func() []indicator.Indicator { return conformance.Generated(1_000_000, 1) })

func BenchmarkRender(b *testing.B) {
	ins := benchInput()
	req := renderers.Request{DataType: "ipv4"}
	b.ReportAllocs()
	conformance.BenchmarkRender(b, Renderer{}, req, ins)
}
