package ipset

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
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
	r := Renderer{}
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		sets, err := checkRestore(string(got.Out))
		if err != nil {
			t.Fatalf("%v\n%s", err, got.Out)
		}
		if n := total(sets) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d entries + %v dropped, want %d indicators", total(sets), got.Drops, len(ins))
		}
	})
}
