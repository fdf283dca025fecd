package feedsnap_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// listed is what a data type's list holds when selected from s; it fails
// t unless Count counts what Select gives, the snapshot's portions,
// selected from in turn, give what Select gives, in the same order, and
// the selection without UUIDs gives the same but for them.
func listed(t *testing.T, s *feedsnap.Snapshot, dt indicator.DataType, sel feedsnap.Selection) []indicator.Indicator {
	t.Helper()
	x := indicator.NewExtractor(dt, indicator.DefaultExpandLimit)
	var (
		ins   []indicator.Indicator
		given []indicator.Attribute
	)
	s.Select(sel, func(a indicator.Attribute) {
		a = a.Own() // given borrowed
		given = append(given, a)
		ins = x.Add(ins, a)
	})
	if n := s.Count(sel); n != len(given) {
		t.Fatalf("%s: Count says %d, Select gave %d", dt.Name, n, len(given))
	}
	bare := sel
	bare.WithoutUUIDs = true
	var without []indicator.Attribute
	s.Select(bare, func(a indicator.Attribute) { without = append(without, a.Own()) })
	if !slices.EqualFunc(without, given, func(w, g indicator.Attribute) bool { g.UUID = ""; return w == g }) {
		t.Fatalf("%s: Select without UUIDs gave %d attributes, with them %d, or other ones", dt.Name, len(without), len(given))
	}
	for _, n := range []int{2, 3, 7} {
		portions := s.Portions(n)
		if len(portions) < 1 || len(portions) > n {
			t.Fatalf("Portions(%d) gave %d portions", n, len(portions))
		}
		var joined []indicator.Attribute
		counted := 0
		for _, p := range portions {
			p.Select(sel, func(a indicator.Attribute) { joined = append(joined, a.Own()) })
			counted += p.Count(sel)
		}
		if !slices.Equal(joined, given) || counted != len(given) {
			t.Fatalf("%s: %d portions give %d attributes (counted %d), Select %d, or in another order",
				dt.Name, len(portions), len(joined), counted, len(given))
		}
	}
	return indicator.Normalize(ins)
}

// compareRendered renders both snapshots for a few data types, ages and
// to_ids rules with txt, edl and rpz, and for one of those selections,
// chosen by seq in turn, with every built-in output; it fails on any byte
// that differs.
func compareRendered(t *testing.T, seq int, now time.Time, have, want *feedsnap.Snapshot) {
	t.Helper()
	every := renderers.Builtin().Names()
	combo := 0
	for _, name := range []string{"ipv4", "ipv4ext", "domain", "hostname", "url", "file-md5"} {
		dt, ok := indicator.LookupDataType(name)
		if !ok {
			t.Fatalf("no data type %s", name)
		}
		for _, age := range []time.Duration{time.Hour, 24 * time.Hour, 10 * 365 * 24 * time.Hour} {
			for _, toIDS := range []bool{true, false} {
				sel := feedsnap.Selection{Types: dt.MISPTypes, ToIDS: toIDS, Since: now.Add(-age).Unix()}
				a, b := listed(t, have, dt, sel), listed(t, want, dt, sel)
				outputs := []string{"txt", "edl", "rpz"}
				if combo%36 == seq%36 {
					outputs = every
				}
				combo++
				for _, out := range outputs {
					rd, _ := renderers.Builtin().Lookup(out)
					if !slices.ContainsFunc(rd.Info().Types, dt.Yields.Has) {
						continue
					}
					if ra, rb := render(t, rd, name, a), render(t, rd, name, b); !bytes.Equal(ra, rb) {
						t.Fatalf("%s %s age %s to_ids %v: refreshed renders\n%s\nfull read renders\n%s", out, name, age, toIDS, ra, rb)
					}
				}
			}
		}
	}
}

func render(t *testing.T, rd renderers.Renderer, dataType string, in []indicator.Indicator) []byte {
	t.Helper()
	var buf bytes.Buffer
	req := renderers.Request{Site: "s", Feed: "f", DataType: dataType, Generated: time.Unix(0, 0).UTC()}
	if rd.Info().Name == "rpz" {
		req.Options = map[string]string{"serial": "1"}
	}
	if err := rd.Render(context.Background(), &buf, req, slices.Values(in)); err != nil {
		t.Fatalf("%s: %v", rd.Info().Name, err)
	}
	return buf.Bytes()
}
