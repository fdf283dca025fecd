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
// type and option set and passes the request and result to check.
func Fuzz(f *testing.F, r renderers.Renderer, optionSets []map[string]string, check func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered)) {
	info := r.Info()
	dts := conformance.DataTypesFor(info)
	conformance.AddFuzzSeeds(f, dts, len(optionSets))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := optionSets[int(optSel)%len(optionSets)]
		ins := conformance.FromRecords(dt, info, records)
		req := conformance.FuzzRequest(dt.Name, opts)
		check(t, req, ins, conformance.Render(t, r, req, ins))
	})
}

// Seed is the input of the fuzz seeds of one data type: the sample records
// of that type read as Fuzz reads its records.
type Seed = struct {
	DataType string
	In       []indicator.Indicator
}

// Seeds returns the seed input of every data type r takes, for the tests
// that check the seeds of a fuzz target with a real tool or a schema.
func Seeds(r renderers.Renderer) []Seed {
	info := r.Info()
	var seeds []Seed
	for _, dt := range conformance.DataTypesFor(info) {
		seeds = append(seeds, Seed{dt.Name, conformance.FromRecords(dt, info, conformance.SampleRecords(dt))})
	}
	return seeds
}

// FuzzRequest is conformance.FuzzRequest: the request Fuzz renders with.
var FuzzRequest = conformance.FuzzRequest

// FuzzKinds is Fuzz for a format whose option key picks the kind of
// output among kinds, and whose kind without it is forDataType of the
// request's data type: it renders with no options and with each kind in
// turn, and passes the kind rendered to check.
func FuzzKinds(f *testing.F, r renderers.Renderer, key string, kinds []string, forDataType func(dataType string) string, check func(t *testing.T, kind string, ins []indicator.Indicator, got conformance.Rendered)) {
	optionSets := []map[string]string{nil}
	for _, k := range kinds {
		optionSets = append(optionSets, map[string]string{key: k})
	}
	Fuzz(f, r, optionSets, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		kind := req.Options[key]
		if kind == "" {
			kind = forDataType(req.DataType)
		}
		check(t, kind, ins, got)
	})
}

// FuzzCounted is Fuzz with the check most formats want: count reads the
// output rendered for req and returns how many entries it holds, or what
// is wrong with it; the entries and the drops must add up to the inputs.
func FuzzCounted(f *testing.F, r renderers.Renderer, optionSets []map[string]string, count func(req renderers.Request, out []byte) (int, error)) {
	Fuzz(f, r, optionSets, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		n, err := count(req, got.Out)
		AddsUp(t, n, err, ins, got)
	})
}

// AddsUp fails t when err, what reading the output found wrong, is not
// nil, or when the n entries read and the drops do not add up to ins.
func AddsUp(t testing.TB, n int, err error, ins []indicator.Indicator, got conformance.Rendered) {
	t.Helper()
	if err != nil {
		t.Fatalf("%v\n%s", err, got.Out)
	}
	if n+got.DropTotal() != len(ins) {
		t.Fatalf("%d entries + %v dropped, want %d in all\n%s", n, got.Drops, len(ins), got.Out)
	}
}

// FuzzRules is FuzzCounted for a format with device rules: rules checks
// the output against them and counts its entries.
func FuzzRules(f *testing.F, r renderers.Renderer, optionSets []map[string]string, rules Rules) {
	FuzzCounted(f, r, optionSets, func(req renderers.Request, out []byte) (int, error) {
		vs, n := rules(req.Options, out)
		return n, devicecheck.Error(vs, 10)
	})
}

// Count returns a FuzzCounted count for a format read by parse.
func Count[E any](parse func(out string) ([]E, error)) func(req renderers.Request, out []byte) (int, error) {
	return func(_ renderers.Request, out []byte) (int, error) {
		es, err := parse(string(out))
		return len(es), err
	}
}

// ValuesAsUTF8 returns the values of ins with each byte that is not UTF-8
// replaced by U+FFFD: what a parser of a format that escapes every
// non-ASCII character reads back.
func ValuesAsUTF8(ins []indicator.Indicator) []string {
	values := make([]string, len(ins))
	for i, in := range ins {
		values[i] = string([]rune(in.Value))
	}
	return values
}
