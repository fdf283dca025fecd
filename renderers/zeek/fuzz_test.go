package zeek_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/zeek"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"source": "feed\\block #1", "do_notice": "T"},
	{"do_notice": "F"},
}

// FuzzRender checks the output with realtools.CheckIntel (Zeek's ASCII
// reader rules for an Intel::read_files file) and that every input is
// either one row that Zeek reads (not a "#" comment) of the right
// Intel::Type, or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, zeek.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		if err := realtools.CheckIntel(string(got.Out)); err != nil {
			t.Fatalf("Zeek would not read the file: %v\n%s", err, got.Out)
		}
		var types []string
		for line := range strings.Lines(string(got.Out)) {
			if line == "\n" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
			types = append(types, fields[1])
		}
		if n := len(types) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d rows + %v dropped, want %d indicators in all\n%s", len(types), got.Drops, len(ins), got.Out)
		}
		var want []string
		for _, in := range ins {
			want = append(want, zeek.IntelType(in.Type))
		}
		for _, typ := range types {
			if !slices.Contains(want, typ) {
				t.Fatalf("row of type %s, which no input has", typ)
			}
		}
	})
}
