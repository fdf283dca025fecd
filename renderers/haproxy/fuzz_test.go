package haproxy

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"list": "end"},
	{"list": "ip"},
	{"list": "dom"},
}

// FuzzRender checks that every output reads under checkPatterns for its
// list kind (one pattern a line, nothing HAProxy would skip or trim) and
// that every input is a pattern or a reported drop.
func FuzzRender(f *testing.F) {
	r := Renderer{}
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		kind := opts["list"]
		if kind == "" {
			kind = ForDataType(dt.Name)
		}
		ps, err := checkPatterns(kind, string(got.Out))
		if err != nil {
			t.Fatalf("%v\n%s", err, got.Out)
		}
		if n := len(ps) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d patterns + %v dropped, want %d indicators", len(ps), got.Drops, len(ins))
		}
	})
}
