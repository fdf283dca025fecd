package b64_test

import (
	"encoding/base64"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/b64"
	"github.com/cratos-project/cratos/renderers/txt"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"line_ending": "lf", "trailing_newline": "true"},
	{"trailing_newline": "true"},
}

// FuzzRender checks that every line is strict, padded base64 and that
// the lines decode to the values, multi-line rules included, in order.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, b64.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		opts := req.Options
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
	})
}
