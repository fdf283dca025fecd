package elastic_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/renderers/elastic"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"tlp": "red", "provider": "Fuzz \"CERT\" \\ <team>"},
	{"reference": "https://misp.example.net/events/view/{event_id}"},
}

// FuzzRender checks every document against the ECS field definitions
// (devicecheck.CheckElastic) and that every input is a document or a
// reported drop.
func FuzzRender(f *testing.F) {
	r := elastic.Renderer{}
	info := r.Info()
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := conformance.FromRecords(dt, info, records)
		got := conformance.Render(t, r, conformance.FuzzRequest(dt.Name, opts), ins)
		if vs := devicecheck.CheckElastic(got.Out); len(vs) > 0 {
			t.Fatalf("ECS rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		if n := len(devicecheck.Lines(got.Out)); n+got.DropTotal() != len(ins) {
			t.Fatalf("%d documents + %v dropped, want %d in all\n%s", n, got.Drops, len(ins), got.Out)
		}
	})
}
