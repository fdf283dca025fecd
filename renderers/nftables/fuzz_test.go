package nftables

import (
	"fmt"
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"table": "fw", "set_prefix": "ti"},
	{"size": "3"},
}

// FuzzRender checks that every output reads under checkScript (only the
// statements this renderer writes, elements in order and disjoint) and
// that every input is either an element or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, func(req renderers.Request, out []byte) (int, error) {
		table := "cratos"
		if req.Options["table"] != "" {
			table = req.Options["table"]
		}
		p, err := checkScript(string(out), table)
		if err == nil && len(p.sets) != 2 {
			err = fmt.Errorf("%d sets, want 2", len(p.sets))
		}
		return p.count(), err
	})
}
