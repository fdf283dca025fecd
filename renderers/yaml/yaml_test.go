package yaml

import (
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

func TestRenderBytes(t *testing.T) {
	tests := []struct {
		name string
		in   []indicator.Indicator
		want string
	}{
		{"original two entries", two, "---\n- 1.2.3.4\n- 5.6.7.8\n"},
		{"original empty", nil, "--- []\n"},
		{"scalars that need quotes", []indicator.Indicator{
			{Type: indicator.EmailSubject, Value: "1.0"},
			{Type: indicator.EmailSubject, Value: "yes"},
			{Type: indicator.EmailSubject, Value: "é"},
		}, "---\n- '1.0'\n- 'yes'\n- \"\\xE9\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rendertest.Expect(t, conformance.Render(t, Renderer{}, renderers.Request{DataType: "ipv4"}, tt.in), tt.want, nil)
		})
	}
}

// TestPyYAML compares with the documents PyYAML writes for one-element
// lists (pyyaml_cases_test.go).
func TestPyYAML(t *testing.T) {
	for i, tc := range pyyamlCases {
		name := tc.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(strings.ToValidUTF8(name, "?"), func(t *testing.T) {
			got := "---" + string(AppendItem(nil, tc.in)) + "\n"
			if got != tc.want {
				t.Errorf("case %d: value %q:\n got %q\nwant %q", i, tc.in, got, tc.want)
			}
		})
	}
}

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestConformance(t *testing.T) { rendertest.Conforms(t, Renderer{}) }

func TestRegistered(t *testing.T) { rendertest.Registered(t, Renderer{}) }

// TestRealData renders every real indicator and the sample and checks the
// document's shape: ASCII only, one "- " entry per value at column 0, every
// other line a continuation indented by two spaces, plain entries equal to
// their value.
func TestRealData(t *testing.T) {
	ins := append(conformance.RealIndicators(t), conformance.Sample()...)
	got := conformance.Render(t, Renderer{}, renderers.Request{}, ins)
	doc := string(got.Out)
	if !strings.HasPrefix(doc, "---\n") || !strings.HasSuffix(doc, "\n") {
		t.Fatalf("document starts %q and ends %q", doc[:min(8, len(doc))], doc[max(0, len(doc)-8):])
	}
	entries, plain := 0, 0
	for i, line := range strings.Split(strings.TrimSuffix(doc[4:], "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "- "):
			if v := line[2:]; v == ins[entries].Value {
				plain++
			}
			entries++
		case line == "" || strings.HasPrefix(line, "  "):
		default:
			t.Fatalf("line %d %q is neither an entry nor a continuation", i+2, line)
		}
	}
	if entries != len(ins) {
		t.Fatalf("%d entries, want %d", entries, len(ins))
	}
	for i := 0; i < len(doc); i++ {
		if c := doc[i]; c >= 0x80 || (c < 0x20 && c != '\n') {
			t.Fatalf("byte %d is %#x: output must be printable ASCII", i, c)
		}
	}
	t.Logf("%d entries, %d written plain", entries, plain)
}

func TestResolvesToString(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"198.51.100.7", true}, {"2001:db8::1", true}, {"1.0", false}, {"1.", false}, {".5", false},
		{"1e5", true}, {"1.5e+5", false}, {"012", false}, {"0o17", true}, {"0x1F", false}, {"0b10", false},
		{"1_000", false}, {"+1", false}, {"-", true}, {"1:30", false}, {"1:60", true}, {"12:30:00", false},
		{"2024-01-15", false}, {"2024-1-5", true}, {"2024-1-5 1:02:03", false}, {"2024-01-15T10:30:00Z", false},
		{".inf", false}, {"-.Inf", false}, {".NaN", false}, {"nan", true}, {"yes", false}, {"yES", true},
		{"y", true}, {"~", false}, {"~a", true}, {"", false}, {"<<", false}, {"=", false}, {"==", true},
		{"00000000000000000000000000000000", false}, {"12345678901234567890123456789012", false},
		{"d41d8cd98f00b204e9800998ecf8427e", true}, {"1d41d8cd98f00b204e9800998ecf8427", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := resolvesToString(tt.in); got != tt.want {
				t.Errorf("resolvesToString(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

var benchInput = sync.OnceValue(func() []indicator.Indicator { return conformance.Generated(1_000_000, 1) })

func BenchmarkRender(b *testing.B) {
	ins := benchInput()
	req := renderers.Request{DataType: "ipv4"}
	b.ReportAllocs()
	conformance.BenchmarkRender(b, Renderer{}, req, ins)
}
