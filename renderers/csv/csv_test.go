package csv

import (
	"bytes"
	"context"
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
)

func request(opts map[string]string) renderers.Request {
	return renderers.Request{Site: "cti.example.org", Feed: "all", Generated: time.Date(2026, 1, 2, 10, 5, 0, 0, time.UTC), Options: opts}
}

func render(t testing.TB, opts map[string]string, ins []indicator.Indicator) []byte {
	t.Helper()
	var buf bytes.Buffer
	req := request(opts)
	req.Dropped = func(reason string, n int) { t.Errorf("unexpected drop: %s ×%d", reason, n) }
	if err := (Renderer{}).Render(context.Background(), &buf, req, renderers.Slice(ins)); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

func full(v string) indicator.Indicator {
	return indicator.Indicator{
		Type: indicator.URL, Value: v, MISPType: "url", Category: "Network activity",
		UUID: "5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d", EventID: 42, Timestamp: 1767348000, ToIDS: true,
	}
}

// TestStandard runs the golden cases, the registration and
// conformance.Check, and checks the content type.
func TestStandard(t *testing.T) {
	rendertest.Standard(t, Renderer{})
	if got := (Renderer{}).Info().ContentType; got != "text/csv; charset=utf-8; header=present" {
		t.Errorf("ContentType = %q", got)
	}
}

func TestRecords(t *testing.T) {
	tests := []struct {
		name string
		opts map[string]string
		in   indicator.Indicator
		want string
	}{
		{"all columns", nil, full("http://bad.example/x"),
			"value,type,misp_type,category,to_ids,event_id,attribute_uuid,timestamp\r\nhttp://bad.example/x,url,url,Network activity,1,42,5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d,2026-01-02T10:00:00Z\r\n"},
		{"zero context", nil, indicator.Indicator{Type: indicator.IPv4, Value: "198.51.100.7"},
			"value,type,misp_type,category,to_ids,event_id,attribute_uuid,timestamp\r\n198.51.100.7,ipv4,,,0,,,\r\n"},
		{"quote and comma", map[string]string{"columns": "value", "line_ending": "lf"}, full(`a,"b"`),
			"value\n\"a,\"\"b\"\"\"\n"},
		{"multi-line crlf", map[string]string{"columns": "value"}, indicator.Indicator{Type: indicator.Yara, Value: "rule x\n{}"},
			"value\r\n\"rule x\r\n{}\"\r\n"},
		{"multi-line lf", map[string]string{"columns": "value", "line_ending": "lf"}, indicator.Indicator{Type: indicator.Yara, Value: "rule x\n{}"},
			"value\n\"rule x\n{}\"\n"},
		{"timestamp past year 9999", map[string]string{"columns": "value,timestamp"}, indicator.Indicator{Value: "x", Timestamp: 253402300800},
			"value,timestamp\r\nx,\r\n"},
		{"timestamp in year 9999", map[string]string{"columns": "value,timestamp"}, indicator.Indicator{Value: "x", Timestamp: 253402300799},
			"value,timestamp\r\nx,9999-12-31T23:59:59Z\r\n"},
		{"timestamp before year 0000", map[string]string{"columns": "value,timestamp"}, indicator.Indicator{Value: "x", Timestamp: -62167219201},
			"value,timestamp\r\nx,\r\n"},
		{"one column, empty", map[string]string{"columns": "event_id"}, indicator.Indicator{Value: "x"},
			"event_id\r\n\"\"\r\n"},
		{"one column, empty, lf", map[string]string{"columns": "category", "line_ending": "lf"}, indicator.Indicator{Value: "x"},
			"category\n\"\"\n"},
		{"two columns, empty", map[string]string{"columns": "event_id,category"}, indicator.Indicator{Value: "x"},
			"event_id,category\r\n,\r\n"},
		{"order", map[string]string{"columns": "event_id,type"}, full("x"),
			"event_id,type\r\n42,url\r\n"},
		{"excel safe equals", map[string]string{"columns": "value,category", "excel_safe": "true"}, indicator.Indicator{Value: "=1+1", Category: "@x"},
			"value,category\r\n'=1+1,'@x\r\n"},
		{"excel safe plus minus", map[string]string{"columns": "value", "excel_safe": "1"}, indicator.Indicator{Value: "-x"},
			"value\r\n'-x\r\n"},
		{"excel safe tab", map[string]string{"columns": "value", "excel_safe": "true"}, indicator.Indicator{Value: "\tx"},
			"value\r\n'\tx\r\n"},
		{"excel safe off", map[string]string{"columns": "value", "excel_safe": "false"}, indicator.Indicator{Value: "=1+1"},
			"value\r\n=1+1\r\n"},
		{"excel safe plain", map[string]string{"columns": "value", "excel_safe": "true"}, indicator.Indicator{Value: "a=1"},
			"value\r\na=1\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(render(t, tt.opts, []indicator.Indicator{tt.in})); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestOneColumnRowsReadBack: a one-column list reads back with a row per
// indicator, the empty ones included, in order.
func TestOneColumnRowsReadBack(t *testing.T) {
	ins := []indicator.Indicator{{Value: "a"}, {Value: "b", Category: "Network activity"}, {Value: "c"}, {Value: "d", Category: "x,y"}}
	out := render(t, map[string]string{"columns": "category"}, ins)
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"category"}, {""}, {"Network activity"}, {""}, {"x,y"}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Fatalf("read back %q, want %q", recs, want)
	}
}

// TestRoundTrip reads the output back with encoding/csv and compares every
// field with its indicator, over Sample and the real data.
func TestRoundTrip(t *testing.T) {
	sets := map[string][]indicator.Indicator{"sample": conformance.Sample(), "generated": conformance.Generated(5000, 3)}
	if real, _ := conformance.RealData(t); len(real) > 0 {
		sets["real data"] = real
	}
	for name, ins := range sets {
		for _, le := range []string{"crlf", "lf"} {
			t.Run(name+"/"+le, func(t *testing.T) {
				out := render(t, map[string]string{"line_ending": le, "excel_safe": "false"}, ins)
				if le == "lf" && bytes.Contains(out, []byte("\r\n")) && !slices.ContainsFunc(ins, func(i indicator.Indicator) bool { return strings.Contains(i.Value, "\r\n") }) {
					t.Error("lf output holds CRLF")
				}
				r := csv.NewReader(bytes.NewReader(out))
				recs, err := r.ReadAll()
				if err != nil {
					t.Fatalf("read back: %v", err)
				}
				if len(recs) != len(ins)+1 {
					t.Fatalf("%d records, want header + %d", len(recs), len(ins))
				}
				if !slices.Equal(recs[0], Columns) {
					t.Errorf("header = %v", recs[0])
				}
				for i, in := range ins {
					want := []string{in.Value, in.Type.String(), in.MISPType, in.Category, "0", "", in.UUID, ""}
					if in.ToIDS {
						want[4] = "1"
					}
					if in.EventID != 0 {
						want[5] = strconv.FormatInt(in.EventID, 10)
					}
					if in.Timestamp != 0 {
						want[7] = time.Unix(in.Timestamp, 0).UTC().Format(time.RFC3339)
					}
					if !slices.Equal(recs[i+1], want) {
						t.Fatalf("record %d = %q, want %q", i+1, recs[i+1], want)
					}
				}
			})
		}
	}
}

func TestValidateOptions(t *testing.T) {
	conformance.CheckOptionCases(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"columns": "value,type", "excel_safe": "true", "line_ending": "lf"}},
		{Name: "unknown option", Options: map[string]string{"headerless": "1"}, WantErr: `unknown option "headerless"`},
		{Name: "unknown column", Options: map[string]string{"columns": "value,comment"}, WantErr: `option columns: unknown column "comment"`},
		{Name: "empty columns", Options: map[string]string{"columns": ""}, WantErr: `option columns: unknown column ""`},
		{Name: "repeated column", Options: map[string]string{"columns": "value,value"}, WantErr: `option columns: column "value" listed twice`},
		{Name: "bad excel_safe", Options: map[string]string{"excel_safe": "yes"}, WantErr: "option excel_safe"},
		{Name: "bad line_ending", Options: map[string]string{"line_ending": "cr"}, WantErr: "option line_ending"},
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, request(nil))
}

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
	rendertest.Fuzz(f, Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		opts := req.Options
		if len(got.Drops) > 0 {
			t.Errorf("drops %v, want none", got.Drops)
		}
		columns := Columns
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
