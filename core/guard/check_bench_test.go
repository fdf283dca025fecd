package guard_test

import (
	"fmt"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
)

// BenchmarkCheckIPv4 checks IPv4 addresses in their canonical text, as
// a cold build of a large ipv4 list checks each of its entries, against
// the default rules and an empty set of warninglists (a MISP without
// any enabled).
func BenchmarkCheckIPv4(b *testing.B) {
	ins := make([]indicator.Indicator, 1<<16)
	for i := range ins {
		x := uint32(i) * 0x9e3779b1
		ins[i] = indicator.Indicator{Type: indicator.IPv4, MISPType: "ip-dst", Value: fmt.Sprintf("%d.%d.%d.%d", 20+x>>24%80, x>>16&255, x>>8&255, x&255)}
	}
	p := guard.New(&config.Site{Name: "s"}, config.NeverBlock{}, "https://misp.example.net").WithWarninglists(guard.NewWarninglists(nil))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := p.Check(ins[i&(len(ins)-1)]); !ok {
			b.Fatalf("%s kept out", ins[i&(len(ins)-1)].Value)
		}
	}
}
