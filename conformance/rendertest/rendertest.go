// Package rendertest runs the tests that every renderer package writes
// alike: the standard set (golden cases, registration, conformance.Check),
// a table of exact outputs and drops, the device-rule sweep over the
// sample, generated and real data, and the fuzz target's frame. Each
// renderer keeps its own cases and checks; this package holds the loops.
package rendertest

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Generated is the Generated time of the requests that Request builds.
var Generated = time.Date(2026, 1, 2, 10, 5, 0, 0, time.UTC)

// Request is the request the renderer tests render with: site
// cti.example.org, feed block, the given data type and options.
func Request(dataType string, opts map[string]string) renderers.Request {
	return renderers.Request{Site: "cti.example.org", Feed: "block", DataType: dataType, Generated: Generated, Options: opts}
}

// WithOptions is Request for the renderer's default data type ("") with
// opts: the request of the tests that vary only the options.
func WithOptions(opts map[string]string) renderers.Request { return Request("", opts) }

// OfDataType returns the request builder of Rows for data type
// dataType: Request(dataType, opts).
func OfDataType(dataType string) func(opts map[string]string) renderers.Request {
	return func(opts map[string]string) renderers.Request { return Request(dataType, opts) }
}

// BlockGenerated is the Generated time of the requests that BlockRequest
// builds.
var BlockGenerated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// BlockRequest is the request of the tests written against site
// misp.example: feed block, age 1y, the given data type and options,
// generated at BlockGenerated.
func BlockRequest(dataType string, opts map[string]string) renderers.Request {
	return renderers.Request{Site: "misp.example", Feed: "block", DataType: dataType, Age: "1y", Generated: BlockGenerated, Options: opts}
}

// The indicator types of the usual list kinds, for tests that keep an
// input to one kind.
var (
	IPTypes   = []indicator.Type{indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net}
	NameTypes = []indicator.Type{indicator.Domain, indicator.Hostname}
	HashTypes = []indicator.Type{indicator.MD5, indicator.SHA1, indicator.SHA256}
)

// Ind is an indicator of type t with value v and timestamp ts.
func Ind(t indicator.Type, v string, ts int64) indicator.Indicator {
	return indicator.Indicator{Type: t, Value: v, Timestamp: ts}
}

// Of is an indicator of type t with value v and no timestamp.
func Of(t indicator.Type, v string) indicator.Indicator { return Ind(t, v, 0) }

// BlockOutput returns a function that renders ins with r and
// BlockRequest(dataType, opts), keeping to the types r takes first
// (Filtered), and returns the output as text and the drops.
func BlockOutput(r renderers.Renderer) func(t testing.TB, dataType string, opts map[string]string, ins []indicator.Indicator) (string, map[string]int) {
	return func(t testing.TB, dataType string, opts map[string]string, ins []indicator.Indicator) (string, map[string]int) {
		t.Helper()
		return Filtered(t, r, BlockRequest(dataType, opts), ins)
	}
}

// Expect fails t unless got is exactly want, byte for byte, and reports
// exactly drops (nil: none).
func Expect(t testing.TB, got conformance.Rendered, want string, drops map[string]int) {
	t.Helper()
	if string(got.Out) != want {
		t.Errorf("output differs at %s\ngot\n%s\nwant\n%s", conformance.FirstDifference([]byte(want), got.Out), got.Out, want)
	}
	ExpectDrops(t, got.Drops, drops)
}

// ExpectDrops fails t unless the drops reported are exactly want (nil:
// none).
func ExpectDrops(t testing.TB, drops, want map[string]int) {
	t.Helper()
	if !maps.Equal(drops, want) {
		t.Errorf("drops = %v, want %v", drops, want)
	}
}

// Row is one case of a table test: the options, the input, the exact
// output and the drops (nil: none). It is an alias of an unnamed struct so
// that tables keep their short positional rows.
type Row = struct {
	Name  string
	Opts  map[string]string
	In    []indicator.Indicator
	Want  string
	Drops map[string]int
}

// Rows renders each row with r and req(row.Opts), checks the output and
// drops with Expect, and then checks the output against the device rules
// when rules is not nil.
func Rows(t *testing.T, r renderers.Renderer, req func(opts map[string]string) renderers.Request, rows []Row, rules func(out []byte) []devicecheck.Violation) {
	t.Helper()
	typed := make([]TypedRow, len(rows))
	for i, row := range rows {
		typed[i] = TypedRow{row.Name, "", row.Opts, row.In, row.Want, row.Drops}
	}
	TypedRows(t, r, func(_ string, opts map[string]string) renderers.Request { return req(opts) }, typed, rules)
}

// TypedRow is a Row that also names the data type of its request.
type TypedRow = struct {
	Name     string
	DataType string
	Opts     map[string]string
	In       []indicator.Indicator
	Want     string
	Drops    map[string]int
}

// TypedRows is Rows for rows that name their data type: each renders with
// req(row.DataType, row.Opts).
func TypedRows(t *testing.T, r renderers.Renderer, req func(dataType string, opts map[string]string) renderers.Request, rows []TypedRow, rules func(out []byte) []devicecheck.Violation) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.Name, func(t *testing.T) {
			got := conformance.Render(t, r, req(row.DataType, row.Opts), row.In)
			Expect(t, got, row.Want, row.Drops)
			if rules == nil {
				return
			}
			if vs := rules(got.Out); len(vs) > 0 {
				t.Error(devicecheck.Error(vs, 10))
			}
		})
	}
}

// BlockRows is TypedRows for the tests written against site misp.example:
// each row renders with BlockRequest, its input kept to the types r takes
// first, as the service does.
func BlockRows(t *testing.T, r renderers.Renderer, rows []TypedRow) {
	t.Helper()
	for i := range rows {
		rows[i].In = conformance.OfTypes(rows[i].In, r.Info().Types...)
	}
	TypedRows(t, r, BlockRequest, rows, nil)
}

// Prefixed returns rows with head put before every Want: the header a
// format writes before its entries.
func Prefixed(head string, rows []Row) []Row {
	for i := range rows {
		rows[i].Want = head + rows[i].Want
	}
	return rows
}

// PrefixedTyped is Prefixed for TypedRows.
func PrefixedTyped(head string, rows []TypedRow) []TypedRow {
	for i := range rows {
		rows[i].Want = head + rows[i].Want
	}
	return rows
}

// Filtered renders ins with r and req, keeping to the types r takes first
// as the service does, and returns the output as text and the drops.
func Filtered(t testing.TB, r renderers.Renderer, req renderers.Request, ins []indicator.Indicator) (string, map[string]int) {
	t.Helper()
	got := conformance.Render(t, r, req, conformance.OfTypes(ins, r.Info().Types...))
	return string(got.Out), got.Drops
}

// Lines returns the lines of out, nil when it is empty; it fails t when
// out does not end with a newline.
func Lines(t testing.TB, out []byte) []string {
	t.Helper()
	text := string(out)
	if text == "" {
		return nil
	}
	if !strings.HasSuffix(text, "\n") {
		t.Fatalf("no final newline: %q", text)
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// Split returns the lines of out, separated by eol and, when trailing, each
// ended by it; when empty is true out must be empty and Split returns nil.
// It fails t when out is not so.
func Split(t testing.TB, out []byte, eol string, trailing, empty bool) []string {
	t.Helper()
	body := string(out)
	if empty {
		if body != "" {
			t.Fatalf("nothing to write, got %q", body)
		}
		return nil
	}
	if trailing {
		var ok bool
		if body, ok = strings.CutSuffix(body, eol); !ok {
			t.Fatalf("output does not end with %q", eol)
		}
	}
	return strings.Split(body, eol)
}

// Output renders ins with r and req (conformance.Render) and returns the
// output and the drops.
func Output(t testing.TB, r renderers.Renderer, req renderers.Request, ins []indicator.Indicator) ([]byte, map[string]int) {
	t.Helper()
	got := conformance.Render(t, r, req, ins)
	return got.Out, got.Drops
}

// CommentedLines returns the lines of text, a file written as lines, and
// the index of the first line after its leading '#' comment lines; an
// error when text does not end with a newline (an empty text included).
func CommentedLines(text string) (lines []string, body int, err error) {
	if !strings.HasSuffix(text, "\n") {
		return nil, 0, errors.New("no final newline")
	}
	lines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for body < len(lines) && strings.HasPrefix(lines[body], "#") {
		body++
	}
	return lines, body, nil
}
