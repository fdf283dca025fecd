package unbound

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
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
	r := Renderer{}
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		zones, err := checkConf(string(got.Out))
		if err != nil {
			t.Fatalf("%v\n%s", err, got.Out)
		}
		if n := len(zones) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d zones + %v dropped, want %d indicators", len(zones), got.Drops, len(ins))
		}
	})
}
