package unbound

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"policy": "always_refuse"},
	{"policy": "redirect", "sinkhole_a": "192.0.2.1", "sinkhole_aaaa": ""},
}

// FuzzRender checks that every output reads under checkConf (only
// server:, local-zone and local-data lines of plain names, none
// overlapping) and that every input is a zone or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, rendertest.Count(checkConf))
}
