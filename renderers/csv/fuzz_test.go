package csv_test

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	ccsv "github.com/cratos-project/cratos/renderers/csv"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"line_ending": "lf"},
	{"excel_safe": "true", "line_ending": "lf"},
	{"columns": "type,value,to_ids", "excel_safe": "true"},
}

// FuzzRender checks that encoding/csv reads the output back as the header
// and one record per indicator holding its value and context. A CSV
// reader turns a CRLF inside a quoted field into LF, and with CRLF
// records encoding/csv writes no lone CR, so the expected fields are
// adjusted the same way.
func FuzzRender(f *testing.F) {
	r := ccsv.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, opts, ins)
		if len(got.Drops) > 0 {
			t.Errorf("drops %v, want none", got.Drops)
		}
		columns := ccsv.Columns
		if v, ok := opts["columns"]; ok {
			columns = strings.Split(v, ",")
		}
		crlf := opts["line_ending"] != "lf"
		if crlf != strings.HasSuffix(string(got.Out), "\r\n") {
			t.Fatalf("output ends with %q, want CRLF %v", got.Out[max(0, len(got.Out)-2):], crlf)
		}
		rows, err := csv.NewReader(strings.NewReader(string(got.Out))).ReadAll()
		if err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, got.Out)
		}
		if len(rows) != len(ins)+1 {
			t.Fatalf("%d records, want a header and %d", len(rows), len(ins))
		}
		if !slices.Equal(rows[0], columns) {
			t.Fatalf("header %q, want %q", rows[0], columns)
		}
		for i, in := range ins {
			want := make([]string, len(columns))
			for j, col := range columns {
				f := fuzzField(in, col)
				if opts["excel_safe"] == "true" && f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
					f = "'" + f
				}
				if crlf {
					f = strings.ReplaceAll(f, "\r", "")
				} else {
					f = strings.ReplaceAll(f, "\r\n", "\n")
				}
				want[j] = f
			}
			if !slices.Equal(rows[i+1], want) {
				t.Fatalf("record %d is %q, want %q", i+1, rows[i+1], want)
			}
		}
	})
}

// fuzzField is the text of column col for in.
func fuzzField(in indicator.Indicator, col string) string {
	switch col {
	case "value":
		return in.Value
	case "type":
		return in.Type.String()
	case "misp_type":
		return in.MISPType
	case "category":
		return in.Category
	case "to_ids":
		if in.ToIDS {
			return "1"
		}
		return "0"
	case "event_id":
		if in.EventID == 0 {
			return ""
		}
		return strconv.FormatInt(in.EventID, 10)
	case "attribute_uuid":
		return in.UUID
	case "timestamp":
		if in.Timestamp == 0 {
			return ""
		}
		return time.Unix(in.Timestamp, 0).UTC().Format(time.RFC3339)
	}
	panic("unknown column " + col)
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
