package txt_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/txt"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"line_ending": "lf", "trailing_newline": "true"},
	{"line_ending": "lf"},
	{"trailing_newline": "true"},
}

// FuzzRender checks that every single-line value comes back as exactly
// one line, in order, and that every multi-line value is reported as
// dropped.
func FuzzRender(f *testing.F) {
	r := txt.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, opts, ins)

		var want []string
		multi := 0
		for _, in := range ins {
			if in.MultiLine() {
				multi++
				continue
			}
			want = append(want, in.Value)
		}
		wantDrops := map[string]int{}
		if multi > 0 {
			wantDrops[txt.DropMultiLine] = multi
		}
		if !maps.Equal(got.Drops, wantDrops) {
			t.Errorf("drops %v, want %v", got.Drops, wantDrops)
		}
		layout, err := txt.ParseLayout(opts)
		if err != nil {
			t.Fatal(err)
		}
		body := string(got.Out)
		if len(want) == 0 {
			if body != "" {
				t.Fatalf("no line to write, got %q", body)
			}
			return
		}
		if layout.TrailingNewline {
			var ok bool
			if body, ok = strings.CutSuffix(body, layout.EOL); !ok {
				t.Fatalf("output does not end with %q", layout.EOL)
			}
		}
		lines := strings.Split(body, layout.EOL)
		if !slices.Equal(lines, want) {
			t.Fatalf("lines differ from the values:\n got %q\nwant %q", lines, want)
		}
	})
}

// fuzzMaxRecords bounds the MISP attributes of one fuzz input, and
// fuzzMaxIndicators the indicators they may expand into (an ipv4ext /16
// gives 65,536), so that every input renders in milliseconds.
const (
	fuzzMaxRecords    = 64
	fuzzMaxIndicators = 4096
)

// fuzzGenerated is the snapshot time of every fuzzed render.
var fuzzGenerated = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// fuzzDataTypes returns the route data types whose indicators the
// renderer takes.
func fuzzDataTypes(info renderers.Info) []indicator.DataType {
	types := indicator.SetOf(info.Types...)
	var out []indicator.DataType
	for _, dt := range indicator.DataTypes() {
		if dt.Yields&types != 0 {
			out = append(out, dt)
		}
	}
	return out
}

// fuzzSeeds adds one seed per data type and option set: the raw sample
// MISP values of the data type's MISP types (see fuzzInput).
func fuzzSeeds(f *testing.F, dts []indicator.DataType, optionSets int) {
	attrs := conformance.SampleAttributes()
	for i, dt := range dts {
		var recs []string
		for _, a := range attrs {
			if j := slices.Index(dt.MISPTypes, a.Type); j >= 0 {
				recs = append(recs, string([]byte{byte(j)})+a.Value)
			}
		}
		for o := range optionSets {
			f.Add(uint8(i), uint8(o), strings.Join(recs, "\x00"))
		}
	}
}

// fuzzInput builds the renderer's input from fuzzed records the way the
// service does: NUL-separated records, each a byte choosing one of dt's
// MISP types followed by the raw value, go through dt's Extractor and
// Normalize, and only the types the renderer takes are kept.
func fuzzInput(dt indicator.DataType, info renderers.Info, records string) []indicator.Indicator {
	x := indicator.NewExtractor(dt, 0)
	var ins []indicator.Indicator
	for i, rec := range strings.SplitN(records, "\x00", fuzzMaxRecords) {
		if len(ins) >= fuzzMaxIndicators {
			break
		}
		if rec == "" {
			continue
		}
		ins = x.Add(ins, indicator.Attribute{
			Type:      dt.MISPTypes[int(rec[0])%len(dt.MISPTypes)],
			Value:     rec[1:],
			Category:  "Network activity",
			UUID:      fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			EventID:   int64(i%7 + 1),
			Timestamp: 1767225600 + int64(i%5)*86400,
			ToIDS:     true,
		})
	}
	keep := indicator.SetOf(info.Types...) & dt.Yields
	ins = slices.DeleteFunc(indicator.Normalize(ins), func(in indicator.Indicator) bool { return !keep.Has(in.Type) })
	return ins[:min(len(ins), fuzzMaxIndicators)]
}

// fuzzRender renders ins as the service would for dt, recording drops.
func fuzzRender(t *testing.T, r renderers.Renderer, dt indicator.DataType, opts map[string]string, ins []indicator.Indicator) conformance.Rendered {
	t.Helper()
	req := renderers.Request{Site: "misp.example.net", Feed: "block", DataType: dt.Name, Generated: fuzzGenerated, Options: opts}
	return conformance.Render(t, r, req, ins)
}
