package csv_test

import (
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
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
	rendertest.Fuzz(f, ccsv.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		opts := req.Options
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
				if opts["excel_safe"] != "false" && f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
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
