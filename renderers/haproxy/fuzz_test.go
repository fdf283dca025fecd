package haproxy

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"list": "end"},
	{"list": "ip"},
	{"list": "dom"},
}

// FuzzRender checks that every output reads under checkPatterns for its
// list kind (one pattern a line, nothing HAProxy would skip or trim) and
// that every input is a pattern or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, func(req renderers.Request, out []byte) (int, error) {
		kind := req.Options["list"]
		if kind == "" {
			kind = ForDataType(req.DataType)
		}
		ps, err := checkPatterns(kind, string(out))
		return len(ps), err
	})
}
