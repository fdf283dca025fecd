package indicator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNormalizeAsReference checks Normalize on random lists, with many
// duplicates, against a plain reading of its contract: the best of each
// Type and Value (newest, then smallest UUID), in canonical order. It also
// checks that the places past the result are cleared.
func TestNormalizeAsReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	value := func() (Type, string) {
		switch r.IntN(5) {
		case 0:
			return IPv4, fmt.Sprintf("10.0.%d.%d", r.IntN(3), r.IntN(20))
		case 1:
			return IPv4Net, fmt.Sprintf("10.0.%d.0/%d", r.IntN(3), 22+r.IntN(3))
		case 2:
			return IPv6, fmt.Sprintf("2001:db8::%x", r.IntN(30))
		case 3:
			return Domain, fmt.Sprintf("%c.example", 'a'+r.IntN(20))
		}
		return SHA256, fmt.Sprintf("%064x", r.IntN(10))
	}
	for _, n := range []int{0, 1, 2, 3, 10, 100, 1000, 5000} {
		for range 20 {
			in := make([]Indicator, n)
			for i := range in {
				typ, v := value()
				in[i] = Indicator{Type: typ, Value: v, UUID: fmt.Sprintf("u%02d", r.IntN(40)), Timestamp: int64(r.IntN(4))}
			}
			want := normalizeReference(in)
			got := Normalize(slices.Clone(in))
			if !slices.Equal(got, want) {
				t.Fatalf("%d indicators: got %d\n%v\nwant %d\n%v", n, len(got), got, len(want), want)
			}
			rest := slices.Clone(in)
			Normalize(rest)
			for i := len(want); i < n; i++ {
				if rest[i] != (Indicator{}) {
					t.Fatalf("%d indicators: place %d past the %d kept holds %+v", n, i, len(want), rest[i])
				}
			}
		}
	}
}

// normalizeReference keeps the best indicator of each Type and Value and
// sorts them by the canonical order's keys.
func normalizeReference(in []Indicator) []Indicator {
	type id struct {
		t Type
		v string
	}
	best := map[id]Indicator{}
	for _, x := range in {
		k := id{x.Type, x.Value}
		if b, ok := best[k]; !ok || better(&x, &b) {
			best[k] = x
		}
	}
	out := make([]Indicator, 0, len(best))
	for _, x := range best {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b Indicator) int {
		return compareKeys([]Indicator{a, b}, makeKey(&a, 0), makeKey(&b, 1))
	})
	return out
}
