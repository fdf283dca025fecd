package f5_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers/f5"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"ipv6": "false", "category": "botnets"},
	{"max_entries": "3", "list_type": "none"},
}

// FuzzRender checks the file against F5's feed file format
// (devicecheck.CheckF5) and that every input is a line or a reported
// drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, f5.Renderer{}, fuzzOptions, func(opts map[string]string, out []byte) ([]devicecheck.Violation, int) {
		return devicecheck.CheckF5(out, devicecheck.F5Limits{MaxEntries: rendertest.MaxEntries(opts)}), len(devicecheck.Lines(out))
	})
}
