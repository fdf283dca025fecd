package b64

import (
	"context"
	"encoding/base64"
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

func subjects(vs ...string) []indicator.Indicator {
	out := make([]indicator.Indicator, len(vs))
	for i, v := range vs {
		out[i] = indicator.Indicator{Type: indicator.EmailSubject, Value: v}
	}
	return out
}

var two = []indicator.Indicator{{Type: indicator.IPv4, Value: "1.2.3.4"}, {Type: indicator.IPv4, Value: "5.6.7.8"}}

func TestRenderBytes(t *testing.T) {
	tests := []struct {
		name string
		opts map[string]string
		in   []indicator.Indicator
		want string
	}{
		{"original two entries", nil, two, "MS4yLjMuNA==\r\nNS42LjcuOA=="},
		{"original empty", nil, nil, ""},
		{"lf with trailing newline", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, two, "MS4yLjMuNA==\nNS42LjcuOA==\n"},
		{"crlf with trailing newline", map[string]string{"trailing_newline": "true"}, two, "MS4yLjMuNA==\r\nNS42LjcuOA==\r\n"},
		{"empty with trailing newline", map[string]string{"trailing_newline": "true"}, nil, ""},
		{"padding lengths", nil, subjects("a", "ab", "abc"), "YQ==\r\nYWI=\r\nYWJj"},
		{"standard alphabet with + and /", nil, subjects("\xfb\xff\xbf>?"), "+/+/Pj8="},
		{"UTF-8 bytes", nil, subjects("é日🎉"), "w6nml6Xwn46J"},
		{"multi-line rule carried", nil, []indicator.Indicator{{Type: indicator.Yara, Value: "rule a\n{\ncondition: true\n}"}}, "cnVsZSBhCnsKY29uZGl0aW9uOiB0cnVlCn0="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rendertest.Expect(t, conformance.Render(t, Renderer{}, renderers.Request{DataType: "ipv4", Options: tt.opts}, tt.in), tt.want, nil)
		})
	}
}

func TestValidateOptions(t *testing.T) {
	tests := []struct {
		name string
		opts map[string]string
		want string
	}{
		{"none", nil, ""},
		{"lf and true", map[string]string{"line_ending": "lf", "trailing_newline": "true"}, ""},
		{"bad line ending", map[string]string{"line_ending": "\\n"}, `renderer b64: option line_ending: want one of crlf, lf; got "\\n"`},
		{"unknown option", map[string]string{"padding": "no"}, `renderer b64: unknown option "padding" (valid: line_ending, trailing_newline)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := renderers.ValidateOptions(Renderer{}, tt.opts)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("ValidateOptions = %q, want %q", got, tt.want)
			}
		})
	}
	err := Renderer{}.Render(context.Background(), io.Discard, renderers.Request{Options: map[string]string{"trailing_newline": "on"}}, renderers.Slice(two))
	if want := `b64: render: renderer b64: option trailing_newline: want true or false; got "on"`; err == nil || err.Error() != want {
		t.Errorf("Render with a bad option = %v, want %q", err, want)
	}
}

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestConformance(t *testing.T) { rendertest.Conforms(t, Renderer{}) }

func TestRegistered(t *testing.T) { rendertest.Registered(t, Renderer{}) }

// TestRealData renders every real indicator and decodes the lines back.
func TestRealData(t *testing.T) {
	ins := append(conformance.RealIndicators(t), conformance.Sample()...)
	got := conformance.Render(t, Renderer{}, renderers.Request{}, ins)
	lines := strings.Split(string(got.Out), "\r\n")
	if len(lines) != len(ins) {
		t.Fatalf("%d lines, want %d", len(lines), len(ins))
	}
	for i, line := range lines {
		v, err := base64.StdEncoding.DecodeString(line)
		if err != nil || string(v) != ins[i].Value {
			t.Fatalf("line %d = %q decodes to %q, %v; want %q", i+1, line, v, err, ins[i].Value)
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
