package junos_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers/junos"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"ipv6": "false"},
	{"max_entries": "3"},
}

// FuzzRender checks the file against the SRX feed format
// (devicecheck.CheckJunos) and that every input is a line or a reported
// drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, junos.Renderer{}, fuzzOptions, func(opts map[string]string, out []byte) ([]devicecheck.Violation, int) {
		return devicecheck.CheckJunos(out, devicecheck.JunosLimits{MaxEntries: rendertest.MaxEntries(opts)}), len(devicecheck.Lines(out))
	})
}
