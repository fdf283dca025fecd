package conformance

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

func TestOfTypes(t *testing.T) {
	ins := Sample()
	before := slices.Clone(ins)
	got := OfTypes(ins, indicator.IPv4, indicator.URL)
	if !slices.Equal(ins, before) {
		t.Fatal("OfTypes changed its input")
	}
	var want []indicator.Indicator
	for _, in := range ins {
		if in.Type == indicator.IPv4 || in.Type == indicator.URL {
			want = append(want, in)
		}
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("OfTypes kept %d indicators, want the %d IPv4 and URL ones in order", len(got), len(want))
	}
	if got := OfTypes(ins); len(got) != 0 {
		t.Fatalf("OfTypes with no types kept %d indicators", len(got))
	}
}
