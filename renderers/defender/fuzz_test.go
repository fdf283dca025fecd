package defender_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/renderers/defender"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"action": "BlockAndRemediate", "max_entries": "3"},
	{"excel_safe": "false", "expire_days": "0", "title": "Cratos"},
}

// FuzzRender checks the file against Defender's columns and limits
// (devicecheck.CheckDefender) and that every input is a row or a
// reported drop.
func FuzzRender(f *testing.F) {
	r := defender.Renderer{}
	info := r.Info()
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		if vs := devicecheck.CheckDefender(got.Out); len(vs) > 0 {
			t.Fatalf("Defender rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		rows := strings.Count(string(got.Out), "\r\n") - 1
		if rows+got.DropTotal() != len(ins) {
			t.Fatalf("%d rows + %v dropped, want %d in all\n%s", rows, got.Drops, len(ins), got.Out)
		}
	})
}
