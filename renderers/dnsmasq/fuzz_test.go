package dnsmasq

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"mode": "sinkhole"},
	{"mode": "sinkhole", "sinkhole_a": "", "sinkhole_aaaa": "2001:db8::1"},
	{"mode": "local"},
}

// FuzzRender checks that every output reads under checkConf (only
// address= and local= lines of one plain name each, none overlapping)
// and that every input is a name or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, rendertest.Count(checkConf))
}
