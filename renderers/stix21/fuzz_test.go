package stix21_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"tlp": "amber"},
	{"tlp": "clear", "identity_name": "Fuzz \"CERT\" \\ <team>"},
}

// fuzzBundle is the part of a bundle the fuzz target reads.
type fuzzBundle struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Objects []struct {
		Type        string `json:"type"`
		ID          string `json:"id"`
		Pattern     string `json:"pattern"`
		PatternType string `json:"pattern_type"`
	} `json:"objects"`
}

// FuzzRender checks that the bundle is valid JSON whose indicator
// patterns parse with the STIX 2.1 patterning grammar
// (stixschema.ValidatePattern) and carry the values, in order, in their
// string literal (or as the whole pattern for snort, yara and sigma); ids
// are unique and every input is an indicator or a reported drop. Checking
// every bundle against the OASIS schemas is too slow for fuzzing:
// TestFuzzSeedsSchema does it for the seeds.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, stix21.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		if !json.Valid(got.Out) {
			t.Fatalf("output is not valid JSON:\n%s", got.Out)
		}
		var b fuzzBundle
		if err := json.Unmarshal(got.Out, &b); err != nil {
			t.Fatal(err)
		}
		if b.Type != "bundle" || !strings.HasPrefix(b.ID, "bundle--") {
			t.Fatalf("not a bundle: type %q, id %q", b.Type, b.ID)
		}
		ids := map[string]bool{}
		var values []string
		for _, o := range b.Objects {
			if ids[o.ID] {
				t.Fatalf("id %s used twice", o.ID)
			}
			ids[o.ID] = true
			if o.Type != "indicator" {
				continue
			}
			if o.PatternType != "stix" {
				values = append(values, o.Pattern)
				continue
			}
			if err := stixschema.ValidatePattern(o.Pattern); err != nil {
				t.Fatalf("pattern %q: %v", o.Pattern, err)
			}
			v, err := fuzzLiteral(o.Pattern)
			if err != nil {
				t.Fatalf("pattern %q: %v", o.Pattern, err)
			}
			values = append(values, v)
		}
		if n := len(values) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d indicators + %v dropped, want %d in all", len(values), got.Drops, len(ins))
		}
		var want []string
		for _, in := range ins {
			if slices.Contains(values, in.Value) {
				want = append(want, in.Value)
			}
		}
		if !slices.Equal(values, want) {
			t.Fatalf("pattern values differ from the input:\n got %q\nwant %q", values, want)
		}
	})
}

// fuzzLiteral returns the value of the single string literal of a
// "[path op 'literal']" pattern.
func fuzzLiteral(p string) (string, error) {
	p = stix21.SchemelessURLPattern(p)
	i := strings.IndexByte(p, '\'')
	// A path may quote a key ('SHA-256'); the literal follows the operator.
	for _, op := range []string{" = '", " ISSUBSET '"} {
		if j := strings.Index(p, op); j >= 0 {
			i = j + len(op) - 1
		}
	}
	rest, ok := strings.CutSuffix(p[i+1:], "']")
	if i < 0 || !ok {
		return "", fmt.Errorf("no literal")
	}
	var sb strings.Builder
	for k := 0; k < len(rest); k++ {
		switch c := rest[k]; {
		case c == '\\' && k+1 < len(rest) && (rest[k+1] == '\\' || rest[k+1] == '\''):
			sb.WriteByte(rest[k+1])
			k++
		case c == '\\' || c == '\'':
			return "", fmt.Errorf("unescaped %q in the literal", c)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String(), nil
}

// TestFuzzSeedsSchema validates the bundle of every fuzz seed, with each
// of the fuzz target's option sets, against the OASIS STIX 2.1 schemas.
// Validation is single-threaded work the race detector slows twenty-fold:
// under it each seed is checked with one option set (another for the next
// seed), and make test checks every pair without it.
func TestFuzzSeedsSchema(t *testing.T) {
	v := stixschema.ForTest(t)
	r := stix21.Renderer{}
	type pair struct {
		seed rendertest.Seed
		opts int
	}
	var pairs []pair
	for k, seed := range rendertest.Seeds(r) {
		for i := range fuzzOptions {
			pairs = append(pairs, pair{seed, (i + k) % len(fuzzOptions)})
		}
	}
	for _, p := range testtool.RaceSample(t, pairs, len(fuzzOptions)) {
		t.Run(fmt.Sprintf("%s/%d", p.seed.DataType, p.opts), func(t *testing.T) {
			got := rendertest.Render(t, r, rendertest.FuzzRequest(p.seed.DataType, fuzzOptions[p.opts]), p.seed.In)
			if err := v.ValidateBundle(got.Out); err != nil {
				t.Fatal(err)
			}
		})
	}
}
