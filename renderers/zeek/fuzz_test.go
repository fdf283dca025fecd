package zeek_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/renderers/zeek"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"source": "feed\\block #1", "do_notice": "T"},
	{"do_notice": "F"},
}

// FuzzRender checks the output with realtools.CheckIntel (Zeek's ASCII
// reader rules for an Intel::read_files file) and that every input is
// either one row that Zeek reads (not a "#" comment) of the right
// Intel::Type, or a reported drop.
func FuzzRender(f *testing.F) {
	r := zeek.Renderer{}
	info := r.Info()
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		if err := realtools.CheckIntel(string(got.Out)); err != nil {
			t.Fatalf("Zeek would not read the file: %v\n%s", err, got.Out)
		}
		var types []string
		for line := range strings.Lines(string(got.Out)) {
			if line == "\n" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
			types = append(types, fields[1])
		}
		if n := len(types) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d rows + %v dropped, want %d indicators in all\n%s", len(types), got.Drops, len(ins), got.Out)
		}
		var want []string
		for _, in := range ins {
			want = append(want, zeek.IntelType(in.Type))
		}
		for _, typ := range types {
			if !slices.Contains(want, typ) {
				t.Fatalf("row of type %s, which no input has", typ)
			}
		}
	})
}
