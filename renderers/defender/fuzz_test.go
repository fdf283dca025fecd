package defender_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers/defender"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"action": "BlockAndRemediate", "max_entries": "3"},
	{"excel_safe": "false", "expire_days": "0", "title": "Cratos"},
}

// FuzzRender checks the file against Defender's columns and limits
// (devicecheck.CheckDefender) and that every input is a row or a
// reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, defender.Renderer{}, fuzzOptions, func(opts map[string]string, out []byte) ([]devicecheck.Violation, int) {
		return devicecheck.CheckDefender(out), strings.Count(string(out), "\r\n") - 1
	})
}
