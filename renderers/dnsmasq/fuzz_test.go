package dnsmasq

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
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
	r := Renderer{}
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		es, err := checkConf(string(got.Out))
		if err != nil {
			t.Fatalf("%v\n%s", err, got.Out)
		}
		if n := len(es) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d names + %v dropped, want %d indicators", len(es), got.Drops, len(ins))
		}
	})
}
