package rendertest

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

// Registered fails t unless a renderer of r's type is registered under
// r's name.
func Registered(t *testing.T, r renderers.Renderer) {
	t.Helper()
	name := r.Info().Name
	if got, ok := renderers.Lookup(name); !ok || reflect.TypeOf(got) != reflect.TypeOf(r) {
		t.Fatalf("Lookup(%s) = %v, %v: want a %T", name, got, ok, r)
	}
}

// Conforms fails t unless r passes conformance.Check.
func Conforms(t *testing.T, r renderers.Renderer) {
	t.Helper()
	if err := conformance.Check(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// Benchmark renders a million generated indicators of the types r takes
// with req, and reports the allocations.
func Benchmark(b *testing.B, r renderers.Renderer, req renderers.Request) {
	ins := conformance.OfTypes(conformance.Generated(1_000_000, 1), r.Info().Types...)
	b.ReportAllocs()
	conformance.BenchmarkRender(b, r, req, ins)
}

// Standard runs, as subtests, the checks every renderer passes alike: its
// golden cases under testdata (goldentest.Run), the registration
// (Registered) and conformance.Check (Conforms).
func Standard(t *testing.T, r renderers.Renderer) {
	t.Run("golden", func(t *testing.T) { goldentest.Run(t, r) })
	t.Run("registered", func(t *testing.T) { Registered(t, r) })
	t.Run("conformance", func(t *testing.T) { Conforms(t, r) })
}

// Contract runs the checks of the renderer contract as subtests: the
// option cases of the table (conformance.CheckOptionCases), then the
// Standard set (golden cases, registration, conformance.Check).
func Contract(t *testing.T, r renderers.Renderer, options Options) {
	t.Run("options", func(t *testing.T) { conformance.CheckOptionCases(t, r, options.Cases()) })
	Standard(t, r)
}

// Options is the option table of a renderer's contract: a set of valid
// options that names every one, an option the renderer does not take,
// the values it refuses for each option, and cases of their own.
type Options struct {
	All     map[string]string
	Unknown string
	Bad     map[string][]string
	More    []conformance.OptionCase
}

// Cases returns the table as option cases: none and All must be taken;
// Unknown must be refused as an unknown option; each value of Bad must be
// refused with an error naming its option (a case named "bad KEY=VALUE",
// in the order of the keys); then More.
func (o Options) Cases() []conformance.OptionCase {
	cases := []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: o.All},
		{Name: "unknown", Options: map[string]string{o.Unknown: "x"}, WantErr: "unknown option " + strconv.Quote(o.Unknown)},
	}
	for _, key := range slices.Sorted(maps.Keys(o.Bad)) {
		for _, v := range o.Bad[key] {
			cases = append(cases, conformance.OptionCase{Name: "bad " + key + "=" + strconv.Quote(v), Options: map[string]string{key: v}, WantErr: "option " + key})
		}
	}
	return append(cases, o.More...)
}

// BenchCase is one sub-benchmark of BenchmarkEach: its name, the value
// its request is built from, and the types of the generated input it
// keeps (nil: all).
type BenchCase = struct {
	Name  string
	Param string
	Types []indicator.Type
}

// BenchmarkEach renders a million generated indicators, kept to each
// case's types, with req(case.Param), one sub-benchmark a case.
func BenchmarkEach(b *testing.B, r renderers.Renderer, req func(param string) renderers.Request, cases []BenchCase) {
	gen := conformance.Generated(1_000_000, 1)
	for _, c := range cases {
		ins := gen
		if c.Types != nil {
			ins = conformance.OfTypes(gen, c.Types...)
		}
		b.Run(c.Name, func(b *testing.B) { conformance.BenchmarkRender(b, r, req(c.Param), ins) })
	}
}
