package json_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	cjson "github.com/cratos-project/cratos/renderers/json"
)

// FuzzRender checks that the output is ASCII-only JSON that encoding/json
// parses back to the values, in order. Bytes that are not UTF-8 come back
// as U+FFFD, one per byte, as the original's json.dumps never saw them.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, cjson.Renderer{}, []map[string]string{nil}, func(t *testing.T, _ renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		if len(got.Drops) > 0 {
			t.Errorf("drops %v, want none", got.Drops)
		}
		for i, c := range got.Out {
			if c < 0x20 || c > 0x7e {
				t.Fatalf("byte %d is %#x, want printable ASCII only", i, c)
			}
		}
		var values []string
		if err := json.Unmarshal(got.Out, &values); err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, got.Out)
		}
		want := rendertest.ValuesAsUTF8(ins)
		if !slices.Equal(values, want) && !(len(values) == 0 && len(want) == 0) {
			t.Fatalf("parsed values differ:\n got %q\nwant %q", values, want)
		}
	})
}
