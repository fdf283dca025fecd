package yaml_test

import (
	"slices"
	"strings"
	"testing"

	yamlv3 "gopkg.in/yaml.v3"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/yaml"
)

// FuzzRender checks that gopkg.in/yaml.v3 reads the output as one
// document holding a sequence of strings equal to the values, in order,
// each a scalar that never resolves to a bool, null or timestamp (numbers
// are allowed where YAML 1.1, which the original's PyYAML bytes follow,
// and YAML 1.2 differ). Bytes that are not UTF-8 come back as U+FFFD, one
// per byte, as the original's PyYAML never saw them.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, yaml.Renderer{}, []map[string]string{nil}, func(t *testing.T, _ renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
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
			case "!!int", "!!float":
				// A plain "0008", "0o17" or "1e3" is a string to PyYAML
				// (YAML 1.1), which the original's output follows byte
				// for byte, and a number to YAML 1.2 parsers.
				if n.Style != 0 {
					t.Errorf("entry %d (%q) is a quoted %s", i+1, n.Value, n.ShortTag())
				}
			default:
				t.Errorf("entry %d (%q) is a %s, want a string scalar", i+1, n.Value, n.ShortTag())
			}
		}
		if !strings.HasPrefix(string(got.Out), "---") {
			t.Errorf("output does not start with an explicit document start")
		}
	})
}
