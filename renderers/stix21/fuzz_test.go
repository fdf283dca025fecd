package stix21_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/indicator"
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
	r := stix21.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, opts, ins)

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
		if n := len(values) + fuzzDropTotal(got.Drops); n != len(ins) {
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

// TestFuzzSeedsSchema validates the bundle of every fuzz seed against the
// OASIS STIX 2.1 schemas.
func TestFuzzSeedsSchema(t *testing.T) {
	v := stixschema.ForTest(t)
	r := stix21.Renderer{}
	info := r.Info()
	attrs := conformance.SampleAttributes()
	for _, dt := range fuzzDataTypes(info) {
		var recs []string
		for _, a := range attrs {
			if j := slices.Index(dt.MISPTypes, a.Type); j >= 0 {
				recs = append(recs, string([]byte{byte(j)})+a.Value)
			}
		}
		ins := fuzzInput(dt, info, strings.Join(recs, "\x00"))
		for i, opts := range fuzzOptions {
			t.Run(fmt.Sprintf("%s/%d", dt.Name, i), func(t *testing.T) {
				got := fuzzRender(t, r, dt, opts, ins)
				if err := v.ValidateBundle(got.Out); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
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

// fuzzDropTotal sums the drop counts.
func fuzzDropTotal(drops map[string]int) int {
	n := 0
	for _, c := range drops {
		n += c
	}
	return n
}
