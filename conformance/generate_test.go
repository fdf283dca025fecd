package conformance

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
)

func TestGenerated(t *testing.T) {
	ins := Generated(50_000, 9)
	if len(ins) != 50_000 {
		t.Fatalf("len = %d, want 50000", len(ins))
	}
	checkCanonical(t, ins)
	counts := countTypes(ins)
	for _, typ := range indicator.AllTypes() {
		if counts[typ] == 0 {
			t.Errorf("no %s generated", typ)
		}
	}
	for i, in := range ins {
		if in.UUID == "" || in.MISPType == "" || in.Category == "" || in.EventID == 0 || in.Timestamp == 0 {
			t.Fatalf("indicator %d lacks MISP context: %+v", i, in)
		}
	}
}

func TestGeneratedDeterministic(t *testing.T) {
	a, b := Generated(5_000, 4), Generated(5_000, 4)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different corpora")
	}
	if c := Generated(5_000, 5); slices.Equal(a, c) {
		t.Error("different seeds gave the same corpus")
	}
}

func TestGeneratedSizes(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		types indicator.TypeSet
		want  int
	}{
		{"zero", 0, indicator.SetOf(indicator.AllTypes()...), 0},
		{"negative", -3, indicator.SetOf(indicator.AllTypes()...), 0},
		{"one", 1, indicator.SetOf(indicator.AllTypes()...), 1},
		{"no types", 10, 0, 0},
		{"only CVEs", 2_000, indicator.SetOf(indicator.Vulnerability), 2_000},
		{"only nets", 3_000, indicator.SetOf(indicator.IPv4Net, indicator.IPv6Net), 3_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins := harness.Generate(tt.n, 1, tt.types)
			if len(ins) != tt.want {
				t.Fatalf("len = %d, want %d", len(ins), tt.want)
			}
			checkCanonical(t, ins)
			for _, in := range ins {
				if !tt.types.Has(in.Type) {
					t.Fatalf("generated %s outside the requested types", in.Type)
				}
			}
		})
	}
}

func BenchmarkGenerated(b *testing.B) {
	for b.Loop() {
		Generated(1_000_000, 1)
	}
	b.ReportMetric(1_000_000*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
}
