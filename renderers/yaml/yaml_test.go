package yaml

import (
	"slices"
	"strings"
	"testing"

	yamlv3 "gopkg.in/yaml.v3"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var two = rendertest.IPs("1.2.3.4", "5.6.7.8")

func TestRenderBytes(t *testing.T) {
	rendertest.Rows(t, Renderer{}, rendertest.OfDataType("ipv4"), []rendertest.Row{
		{"original two entries", nil, two, "---\n- 1.2.3.4\n- 5.6.7.8\n", nil},
		{"original empty", nil, nil, "--- []\n", nil},
		{"scalars that need quotes", nil, []indicator.Indicator{
			{Type: indicator.EmailSubject, Value: "1.0"},
			{Type: indicator.EmailSubject, Value: "yes"},
			{Type: indicator.EmailSubject, Value: "é"},
		}, "---\n- '1.0'\n- 'yes'\n- \"\\xE9\"\n", nil},
	}, nil)
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

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

// TestRealData renders every real indicator and the sample and checks the
// document's shape: ASCII only, one "- " entry per value at column 0, every
// other line a continuation indented by two spaces, plain entries equal to
// their value.
func TestRealData(t *testing.T) {
	ins := append(rendertest.RealIndicators(t), rendertest.Sample()...)
	got := rendertest.Render(t, Renderer{}, renderers.Request{}, ins)
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
		{"1e5", false}, {"1.5e+5", false}, {"012", false}, {"0o17", false}, {"0x1F", false}, {"0b10", false},
		{"1_000", false}, {"+1", false}, {"-", true}, {"1:30", false}, {"1:60", true}, {"12:30:00", false},
		{"2024-01-15", false}, {"2024-1-5", false}, {"0000-1-1", false}, {"2024-13-5", true}, {"2024-1-5x", true}, {"2024-1-5 1:02:03", false}, {"2024-01-15T10:30:00Z", false},
		{".inf", false}, {"-.Inf", false}, {".NaN", false}, {"nan", true}, {"yes", false}, {"yES", true},
		{"y", false}, {"N", false}, {"yy", true}, {"~", false}, {"~a", true}, {"", false}, {"<<", false}, {"=", false}, {"==", true},
		{"00000000000000000000000000000000", false}, {"12345678901234567890123456789012", false},
		{"d41d8cd98f00b204e9800998ecf8427e", true}, {"1d41d8cd98f00b204e9800998ecf8427", true},
		{"0e462097431906509019562988736854", false}, {".5e3", false}, {"08", false}, {"0X1F", false}, {"0B1", false}, {"-0o7", false},
		{"1e", true}, {"e5", true}, {"1e5x", true}, {"+-1", true}, {"1.2.3", true}, {"0x", true}, {".", true}, {"-.e1", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := resolvesToString(tt.in); got != tt.want {
				t.Errorf("resolvesToString(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, renderers.Request{DataType: "ipv4"})
}

// FuzzRender checks that gopkg.in/v3 reads the output as one
// document holding a sequence of strings equal to the values, in order,
// each a scalar that resolves to a string, never to a bool, null, number
// or timestamp. Bytes that are not UTF-8 come back as U+FFFD, one per
// byte, as the original's PyYAML never saw them.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, Renderer{}, []map[string]string{nil}, func(t *testing.T, _ renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		if len(got.Drops) > 0 {
			t.Errorf("drops %v, want none", got.Drops)
		}
		want := rendertest.ValuesAsUTF8(ins)

		var values []string
		if err := yamlv3.Unmarshal(got.Out, &values); err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, got.Out)
		}
		if !slices.Equal(values, want) {
			t.Fatalf("parsed values differ:\n got %q\nwant %q\n%s", values, want, got.Out)
		}
		var doc yamlv3.Node
		if err := yamlv3.Unmarshal(got.Out, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Kind != yamlv3.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yamlv3.SequenceNode {
			t.Fatalf("output is not one document holding a sequence:\n%s", got.Out)
		}
		for i, n := range doc.Content[0].Content {
			if n.Kind != yamlv3.ScalarNode {
				t.Fatalf("entry %d is not a scalar", i+1)
			}
			switch n.ShortTag() {
			case "!!str":
			default:
				t.Errorf("entry %d (%q) is a %s, want a string scalar", i+1, n.Value, n.ShortTag())
			}
		}
		if !strings.HasPrefix(string(got.Out), "---") {
			t.Errorf("output does not start with an explicit document start")
		}
	})
}
