package export

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
)

// guarded lets through, in order, exactly the indicators of the types
// asked for that the policy's Check lets through, and counts the others
// by reason, whether the list is checked in one stretch or in several.
func TestGuardedAsCheck(t *testing.T) {
	off := false
	site := &config.Site{Name: "s", Guard: config.Guard{Warninglists: &off, NeverBlock: config.NeverBlock{Domains: []string{"keep.example"}}}}
	p := guard.New(site, config.NeverBlock{CIDRs: []string{"198.51.100.0/24"}}, "https://misp.example")
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 63, 64, 65, 1000, guardParallelMin - 1, guardParallelMin, guardParallelMin + 130} {
		ins := make([]indicator.Indicator, n)
		for i := range ins {
			switch rng.IntN(6) {
			case 0:
				ins[i] = indicator.Indicator{Type: indicator.IPv4, Value: fmt.Sprintf("10.0.%d.%d", rng.IntN(256), rng.IntN(256))} // reserved
			case 1:
				ins[i] = indicator.Indicator{Type: indicator.IPv4, Value: fmt.Sprintf("198.51.100.%d", rng.IntN(256))} // never blocked
			case 2:
				ins[i] = indicator.Indicator{Type: indicator.IPv4Net, Value: fmt.Sprintf("%d.0.0.0/%d", 1+rng.IntN(200), 2+rng.IntN(6))} // too wide
			case 3:
				ins[i] = indicator.Indicator{Type: indicator.Domain, Value: []string{"keep.example", "a.keep.example", "evil.example"}[rng.IntN(3)]}
			default:
				ins[i] = indicator.Indicator{Type: indicator.IPv4, Value: fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(200), rng.IntN(256), rng.IntN(256), rng.IntN(256))}
			}
		}
		types := indicator.SetOf(indicator.IPv4, indicator.IPv4Net)
		var want []indicator.Indicator
		wantDropped := map[string]int{}
		for _, in := range ins {
			if !types.Has(in.Type) {
				continue
			}
			if v, ok := p.Check(in); ok {
				want = append(want, in)
			} else {
				wantDropped[guard.DropReason(v.Rule)]++
			}
		}
		list := listOf(t, ins...)
		seq, dropped := guarded(p, &list, types)
		got := slices.Collect(seq)
		if len(wantDropped) == 0 {
			wantDropped = nil
		}
		if !slices.Equal(got, want) || !maps.Equal(dropped, wantDropped) {
			t.Fatalf("%d indicators: %d let through, dropped %v; Check lets %d through, drops %v", n, len(got), dropped, len(want), wantDropped)
		}
	}
}
