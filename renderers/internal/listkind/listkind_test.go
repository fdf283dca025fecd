package listkind

import (
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

func TestChoiceTake(t *testing.T) {
	holds := map[string]indicator.TypeSet{"ip": IPs, "name": Names}
	forType := func(t indicator.Type) string {
		if t.IsIP() {
			return "ip"
		}
		return "name"
	}
	tests := []struct {
		name     string
		kind     string
		in       []indicator.Type
		want     []bool
		wantKind string
	}{
		{"chosen by the first indicator", "", []indicator.Type{indicator.IPv6Net, indicator.Domain, indicator.IPv4}, []bool{true, false, true}, "ip"},
		{"first of no kind's type", "", []indicator.Type{indicator.URL, indicator.Hostname}, []bool{false, true}, "name"},
		{"set beforehand", "name", []indicator.Type{indicator.IPv4, indicator.Domain}, []bool{false, true}, "name"},
		{"unknown kind holds nothing", "url", []indicator.Type{indicator.URL}, []bool{false}, "url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Choice{Kind: tt.kind, ForType: forType, Holds: holds}
			for i, typ := range tt.in {
				if got := c.Take(typ); got != tt.want[i] {
					t.Errorf("Take(%v) = %v, want %v", typ, got, tt.want[i])
				}
			}
			if c.Kind != tt.wantKind {
				t.Errorf("Kind = %q, want %q", c.Kind, tt.wantKind)
			}
		})
	}
}
