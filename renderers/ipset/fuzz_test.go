package ipset

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"set_prefix": "ti"},
	{"maxelem": "3"},
}

// FuzzRender checks that every output reads under checkRestore (only the
// commands this renderer writes, entries valid for hash:net, none twice,
// none past maxelem) and that every input is an entry or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, func(_ renderers.Request, out []byte) (int, error) {
		sets, err := checkRestore(string(out))
		return total(sets), err
	})
}
