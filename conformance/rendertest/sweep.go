package rendertest

import (
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
)

// Sets are the indicator sets of a device-rule sweep: the sample, n
// indicators generated from seed and the real data. Under the race
// detector the generated and real sets are every fifth indicator
// (testtool.RaceSample): the sweep is single-threaded, and `make test`
// runs it on the full sets once more without the detector.
func Sets(t testing.TB, n int, seed int64) map[string][]indicator.Indicator {
	return map[string][]indicator.Indicator{
		"sample":    conformance.Sample(),
		"generated": testtool.RaceSample(t, conformance.Generated(n, seed), 5),
		"real data": testtool.RaceSample(t, conformance.RealIndicators(t), 5),
	}
}

// Variant is one option set of a sweep.
type Variant = struct {
	Name string
	Opts map[string]string
}

// Across runs check on every set with every variant, as subtest
// "set/name(variant)".
func Across[V any](t *testing.T, sets map[string][]indicator.Indicator, variants []V, name func(V) string, check func(t *testing.T, set []indicator.Indicator, v V)) {
	t.Helper()
	for setName, set := range sets {
		for _, v := range variants {
			t.Run(setName+"/"+name(v), func(t *testing.T) { check(t, set, v) })
		}
	}
}

// Potential fails t unless the lines of the output are the entries the
// inputs give (per counts those of one input before anything is dropped)
// minus the drops, or empty lines when that is none (a format that writes
// a placeholder into an empty list); it logs the counts.
func Potential(t testing.TB, got conformance.Rendered, ins []indicator.Indicator, per func(indicator.Indicator) int, empty int) {
	t.Helper()
	want := -got.DropTotal()
	for _, in := range ins {
		want += per(in)
	}
	if want == 0 {
		want = empty
	}
	lines := len(devicecheck.Lines(got.Out))
	if lines != want {
		t.Errorf("%d lines, want %d (inputs %d, drops %v)", lines, want, len(ins), got.Drops)
	}
	t.Logf("%d inputs, %d lines, drops %v", len(ins), lines, got.Drops)
}

// Sweep renders every set, kept to the types r takes, with every variant
// (subtest "set/variant") and passes the result to check.
func Sweep(t *testing.T, r renderers.Renderer, req func(opts map[string]string) renderers.Request, sets map[string][]indicator.Indicator, variants []Variant, check func(t *testing.T, v Variant, ins []indicator.Indicator, got conformance.Rendered)) {
	t.Helper()
	types := r.Info().Types
	Across(t, sets, variants, func(v Variant) string { return v.Name }, func(t *testing.T, set []indicator.Indicator, v Variant) {
		ins := conformance.OfTypes(set, types...)
		check(t, v, ins, conformance.Render(t, r, req(v.Opts), ins))
	})
}

// Accounted fails t unless the n entries written (what names them:
// "lines", "rows", ...) and the drops add up to the ins rendered, and logs
// the counts.
func Accounted(t testing.TB, what string, n int, ins []indicator.Indicator, got conformance.Rendered) {
	t.Helper()
	if want := len(ins) - got.DropTotal(); n != want {
		t.Errorf("%d %s, want %d (inputs %d, drops %v)", n, what, want, len(ins), got.Drops)
	}
	t.Logf("%d inputs, %d %s, drops %v", len(ins), n, what, got.Drops)
}

// Rules checks out, rendered with opts, against a format's device rules
// and counts the entries it holds. A renderer's device-rule test and its
// fuzz target (FuzzRules) check with the same Rules.
type Rules = func(opts map[string]string, out []byte) ([]devicecheck.Violation, int)

// DeviceRules renders the sample, 100,000 generated indicators and the
// real data (Sets), kept to the types r takes, with every variant, and
// checks each output with Counted(what, rules).
func DeviceRules(t *testing.T, r renderers.Renderer, req func(opts map[string]string) renderers.Request, variants []Variant, what string, rules Rules) {
	t.Helper()
	Sweep(t, r, req, Sets(t, 100_000, 11), variants, Counted(what, rules))
}

// Counted is a Sweep check: rules checks the output of variant v against
// the device rules and counts the entries it holds (what names them:
// "lines", "rows", ...); a broken rule fails the test, and the entries and
// the drops must add up to the inputs.
func Counted(what string, rules Rules) func(t *testing.T, v Variant, ins []indicator.Indicator, got conformance.Rendered) {
	return func(t *testing.T, v Variant, ins []indicator.Indicator, got conformance.Rendered) {
		t.Helper()
		vs, n := rules(v.Opts, got.Out)
		if len(vs) > 0 {
			t.Fatal(devicecheck.Error(vs, 20))
		}
		Accounted(t, what, n, ins, got)
	}
}

// MaxEntries is the max_entries option of opts as a number, 0 when unset
// or not a number.
func MaxEntries(opts map[string]string) int {
	n, _ := strconv.Atoi(opts["max_entries"])
	return n
}

// Case is one input rendered with one option set.
type Case = struct {
	Name string
	In   []indicator.Indicator
	Opts map[string]string
}

// Each renders every case, kept to the types r takes, with
// req(case.Opts), and passes the options and the result to check.
func Each(t *testing.T, r renderers.Renderer, req func(opts map[string]string) renderers.Request, cases []Case, check func(t *testing.T, opts map[string]string, ins []indicator.Indicator, got conformance.Rendered)) {
	t.Helper()
	types := r.Info().Types
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			ins := conformance.OfTypes(c.In, types...)
			check(t, c.Opts, ins, conformance.Render(t, r, req(c.Opts), ins))
		})
	}
}

// Kind is a value of the option that picks a format's kind of output,
// and the indicator types a list of that kind takes.
type Kind = struct {
	Kind  string
	Types []indicator.Type
}

// Kinds renders every case, kept to each kind's types, with its options
// and option key set to the kind, as subtest "case/kind", and passes the
// kind and the result to check.
func Kinds(t *testing.T, r renderers.Renderer, req func(opts map[string]string) renderers.Request, key string, kinds []Kind, cases []Case, check func(t *testing.T, kind string, ins []indicator.Indicator, got conformance.Rendered)) {
	t.Helper()
	for _, c := range cases {
		for _, k := range kinds {
			t.Run(c.Name+"/"+k.Kind, func(t *testing.T) {
				opts := maps.Clone(c.Opts)
				if opts == nil {
					opts = map[string]string{}
				}
				opts[key] = k.Kind
				ins := conformance.OfTypes(c.In, k.Types...)
				check(t, k.Kind, ins, conformance.Render(t, r, req(opts), ins))
			})
		}
	}
}

// AndRealData returns cases and, last, the real data rendered with opts,
// named "real data"; in -short mode only cases.
func AndRealData(t testing.TB, opts map[string]string, cases ...Case) []Case {
	t.Helper()
	if testing.Short() {
		return cases
	}
	return append(cases, Case{"real data", conformance.RealIndicators(t), opts})
}

// Entries reads the output with parse and returns its entries; it fails
// t when parse does, when there is none, or when they and the drops do
// not add up to the ins rendered.
func Entries[E any](t testing.TB, parse func(out string) ([]E, error), ins []indicator.Indicator, got conformance.Rendered) []E {
	t.Helper()
	es, err := parse(string(got.Out))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(ins)-got.DropTotal() || len(es) == 0 {
		t.Fatalf("%d entries, want %d indicators minus %d dropped (%v)", len(es), len(ins), got.DropTotal(), got.Drops)
	}
	return es
}

// TrickyNames are names a resolver must take: the longest name and labels,
// names with underscores and digits, an IDN and nested names.
func TrickyNames() []indicator.Indicator {
	l63 := strings.Repeat("a", 63)
	return indicator.Normalize([]indicator.Indicator{
		Ind(indicator.Domain, l63+"."+l63+"."+l63+"."+strings.Repeat("b", 61), 0), // 253 octets
		Ind(indicator.Domain, "_dmarc.mail.example", 0), Ind(indicator.Hostname, "1-2.3.example", 0),
		Ind(indicator.Domain, "bad.example", 0), Ind(indicator.Hostname, "www.bad.example", 0),
		Ind(indicator.Domain, "xn--bcher-kva.example", 0), Ind(indicator.Domain, "x.internal", 0),
	})
}

// Resolver runs a DNS resolver's real-tool test, one subtest a case: the
// sample with the default options; the tricky names (TrickyNames) with
// option key set to block, and set to redirect with the sinkhole
// addresses 192.0.2.10 and 2001:db8::10; the real data with the defaults
// and with key set to redirect. Each output is read back with parse
// (Entries), and serve loads the output into the real resolver and checks
// its answers for the entries.
func Resolver[E any](t *testing.T, r renderers.Renderer, key, block, redirect string, parse func(out string) ([]E, error), serve func(t *testing.T, es []E, got conformance.Rendered)) {
	t.Helper()
	real, _ := conformance.RealData(t)
	cases := []Case{
		{"sample", conformance.Sample(), nil},
		{"tricky, " + block, TrickyNames(), map[string]string{key: block}},
		{"tricky, " + redirect, TrickyNames(), map[string]string{key: redirect, "sinkhole_a": "192.0.2.10", "sinkhole_aaaa": "2001:db8::10"}},
		{"real data", real, nil},
		{"real data, " + redirect, real, map[string]string{key: redirect}},
	}
	Each(t, r, WithOptions, cases, func(t *testing.T, _ map[string]string, ins []indicator.Indicator, got conformance.Rendered) {
		es := Entries(t, parse, ins, got)
		serve(t, es, got)
		t.Logf("%d indicators, %d entries, drops %v", len(ins), len(es), got.Drops)
	})
}

// CoveredNames are five names a DNS list writes as two, bad.example and
// notbad.example: www.bad.example and a.b.bad.example are covered by
// bad.example, and the hostname bad.example repeats the domain.
func CoveredNames() []indicator.Indicator {
	return []indicator.Indicator{
		Of(indicator.Domain, "bad.example"), Of(indicator.Hostname, "www.bad.example"), Of(indicator.Domain, "a.b.bad.example"),
		Of(indicator.Hostname, "notbad.example"), Of(indicator.Hostname, "bad.example"),
	}
}

// IPs returns an indicator for each address or net of values, its type
// told from the text (':' for IPv6, '/' for a net), normalised.
func IPs(values ...string) []indicator.Indicator {
	in := make([]indicator.Indicator, 0, len(values))
	for _, v := range values {
		tp := indicator.IPv4
		switch {
		case strings.Contains(v, ":") && strings.Contains(v, "/"):
			tp = indicator.IPv6Net
		case strings.Contains(v, ":"):
			tp = indicator.IPv6
		case strings.Contains(v, "/"):
			tp = indicator.IPv4Net
		}
		in = append(in, Ind(tp, v, 0))
	}
	return indicator.Normalize(in)
}

// Subjects returns an email-subject indicator for each of values, in
// their order: values that any text format must carry as they are.
func Subjects(values ...string) []indicator.Indicator {
	in := make([]indicator.Indicator, len(values))
	for i, v := range values {
		in[i] = indicator.Indicator{Type: indicator.EmailSubject, Value: v}
	}
	return in
}
