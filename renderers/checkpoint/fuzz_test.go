package checkpoint_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
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
	r := checkpoint.Renderer{}
	info := r.Info()
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		lim := devicecheck.CheckPointLimits{}
		if opts["max_entries"] == "3" {
			lim.MaxEntries = 3
		}
		if vs := devicecheck.CheckCheckPoint(got.Out, lim); len(vs) > 0 {
			t.Fatalf("Check Point rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		if n := len(devicecheck.Lines(got.Out)) - 1 + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d records + %v dropped, want %d in all\n%s", n-got.DropTotal(), got.Drops, len(ins), got.Out)
		}
	})
}
