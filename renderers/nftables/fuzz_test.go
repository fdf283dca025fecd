package nftables

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
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
	r := Renderer{}
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		table := "cratos"
		if opts["table"] != "" {
			table = opts["table"]
		}
		p, err := checkScript(string(got.Out), table)
		if err != nil {
			t.Fatalf("%v\n%s", err, got.Out)
		}
		if len(p.sets) != 2 {
			t.Fatalf("%d sets, want 2", len(p.sets))
		}
		if n := p.count() + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d elements + %v dropped, want %d indicators", p.count(), got.Drops, len(ins))
		}
	})
}
