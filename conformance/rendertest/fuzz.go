package rendertest

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Fuzz is the frame of a renderer's fuzz target: it seeds f with the
// sample records of every data type r takes and every option set, and for
// each fuzzed (dtSel, optSel, records) renders the records with that data
// type and option set and passes the result to check.
func Fuzz(f *testing.F, r renderers.Renderer, optionSets []map[string]string, check func(t *testing.T, opts map[string]string, ins []indicator.Indicator, got conformance.Rendered)) {
	info := r.Info()
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(optionSets))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := optionSets[int(optSel)%len(optionSets)]
		ins := conformance.FromRecords(dt, info, records)
		check(t, opts, ins, conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins))
	})
}

// FuzzRules is Fuzz with the check most device formats want: rules checks
// the output against the device rules and counts its entries, and the
// entries and the drops must add up to the inputs.
func FuzzRules(f *testing.F, r renderers.Renderer, optionSets []map[string]string, rules func(opts map[string]string, out []byte) ([]devicecheck.Violation, int)) {
	Fuzz(f, r, optionSets, func(t *testing.T, opts map[string]string, ins []indicator.Indicator, got conformance.Rendered) {
		vs, n := rules(opts, got.Out)
		if len(vs) > 0 {
			t.Fatalf("device rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		if n+got.DropTotal() != len(ins) {
			t.Fatalf("%d entries + %v dropped, want %d in all\n%s", n, got.Drops, len(ins), got.Out)
		}
	})
}
