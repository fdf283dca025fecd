package f5_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/renderers/f5"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"ipv6": "false", "category": "botnets"},
	{"max_entries": "3", "list_type": "none"},
}

// FuzzRender checks the file against F5's feed file format
// (devicecheck.CheckF5) and that every input is a line or a reported
// drop.
func FuzzRender(f *testing.F) {
	r := f5.Renderer{}
	info := r.Info()
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		lim := devicecheck.F5Limits{}
		if opts["max_entries"] == "3" {
			lim.MaxEntries = 3
		}
		if vs := devicecheck.CheckF5(got.Out, lim); len(vs) > 0 {
			t.Fatalf("F5 rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		if n := len(devicecheck.Lines(got.Out)); n+got.DropTotal() != len(ins) {
			t.Fatalf("%d lines + %v dropped, want %d in all\n%s", n, got.Drops, len(ins), got.Out)
		}
	})
}
