package stix21

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestSchemaValid validates whole bundles against the OASIS schemas and
// the pattern grammar, and checks that every indicator not reported as
// dropped is in the bundle.
func TestSchemaValid(t *testing.T) {
	v := stixschema.ForTest(t)
	cases := []struct {
		name string
		in   []indicator.Indicator
		opts map[string]string
	}{
		{"sample", supported(conformance.Sample()), nil},
		{"sample tlp amber+strict", supported(conformance.Sample()), map[string]string{"tlp": "amber+strict"}},
		{"tricky", tricky(), map[string]string{"tlp": "white"}},
		{"empty", nil, nil},
		{"generated", supported(conformance.Generated(20000, 7)), map[string]string{"tlp": "green"}},
		{"real data", supported(conformance.RealIndicators(t)), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.in) > 1000 {
				// Validation is single-threaded work the race detector
				// slows twenty-fold; the full set runs without -race.
				tc.in = testtool.RaceSample(t, tc.in, 50)
			}
			out, drops := render(t, request(tc.opts), tc.in)
			if err := v.ValidateBundle(out); err != nil {
				t.Fatalf("ValidateBundle: %v", err)
			}
			b := decode(t, out)
			n := 0
			for _, o := range b.Objects {
				if o.Type == "indicator" {
					n++
				}
			}
			dropped := 0
			for _, c := range drops {
				dropped += c
			}
			if n != len(tc.in)-dropped {
				t.Errorf("%d indicators, want %d inputs - %d dropped = %d (drops %v)", n, len(tc.in), dropped, len(tc.in)-dropped, drops)
			}
			t.Logf("%d indicators, drops %v", n, drops)
		})
	}
}

// TestPatternRoundTrip decodes each pattern literal and compares it with
// the value it came from.
func TestPatternRoundTrip(t *testing.T) {
	ins := supported(conformance.Sample())
	out, _ := render(t, request(nil), ins)
	b := decode(t, out)
	byID := map[string]indicator.Indicator{}
	for _, in := range ins {
		u, _ := uuid5Scratch(nil, in.Type.String()+"|"+in.Value)
		byID["indicator--"+u.String()] = in
	}
	for _, o := range b.Objects[1:] {
		in, ok := byID[o.ID]
		if !ok {
			t.Fatalf("indicator %s matches no input", o.ID)
		}
		if o.PatternType != "stix" {
			if o.Pattern != in.Value {
				t.Errorf("%s pattern = %q, want the rule %q", o.ID, o.Pattern, in.Value)
			}
			continue
		}
		// The literal follows the operator's space; quoted path steps
		// are never preceded by one.
		pat := schemelessURLPattern(o.Pattern)
		if pat != o.Pattern && hasScheme(in.Value) {
			t.Errorf("%s: a URL with a scheme got two literals: %s", o.ID, o.Pattern)
		}
		if in.Type == indicator.URL && !hasScheme(in.Value) && pat == o.Pattern {
			t.Errorf("%s: a URL without a scheme is not matched under http and https: %s", o.ID, o.Pattern)
		}
		lit := pat[strings.Index(pat, " '")+2 : len(pat)-2]
		var sb strings.Builder
		for j := 0; j < len(lit); j++ {
			if lit[j] == '\\' {
				j++
			}
			sb.WriteByte(lit[j])
		}
		if sb.String() != in.Value {
			t.Errorf("%s literal decodes to %q, want %q", o.ID, sb.String(), in.Value)
		}
	}
}
