package checkpoint_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers/checkpoint"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"excel_safe": "true", "product": "AV"},
	{"max_entries": "3", "confidence": "low"},
}

// FuzzRender checks the feed against the Check Point rules
// (devicecheck.CheckCheckPoint) and that every input is a record or a
// reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, checkpoint.Renderer{}, fuzzOptions, func(opts map[string]string, out []byte) ([]devicecheck.Violation, int) {
		return devicecheck.CheckCheckPoint(out, devicecheck.CheckPointLimits{MaxEntries: rendertest.MaxEntries(opts)}), len(devicecheck.Lines(out)) - 1
	})
}
