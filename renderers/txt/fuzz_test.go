package txt_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/txt"
)

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
	rendertest.Fuzz(f, txt.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		opts := req.Options
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
			wantDrops[txt.DropMultiLine] = multi
		}
		if !maps.Equal(got.Drops, wantDrops) {
			t.Errorf("drops %v, want %v", got.Drops, wantDrops)
		}
		layout, err := txt.ParseLayout(opts)
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
	})
}
