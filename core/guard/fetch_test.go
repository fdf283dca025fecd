package guard_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// realWarninglists reads the shared data's warninglists through the MISP
// emulator's /warninglists API, as the service does.
func realWarninglists(tb testing.TB) *guard.Warninglists {
	tb.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if p := os.Getenv("CRATOS_SHARED_DATA"); p != "" {
		dir = p
	}
	if _, err := os.Stat(filepath.Join(dir, "warninglists")); err != nil {
		tb.Skip("no shared data (../shared/data)")
	}
	sim, err := mispsim.New(mispsim.Options{DataDir: dir})
	if err != nil {
		tb.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sim.Close() })
	c := misp.New(misp.Options{Site: "sim", BaseURL: url, Key: mispsim.DefaultKey, Timeout: 30 * time.Second})
	wc := guard.NewWarninglistCache(time.Hour, nil)
	w, err := wc.Get(context.Background(), "sim", c)
	if err != nil {
		tb.Fatal(err)
	}
	if n := sim.Stats().Warninglists; w.Len() != n || n < 50 {
		tb.Fatalf("%d warninglists read, the emulator has %d", w.Len(), n)
	}
	if again, err := wc.Get(context.Background(), "sim", c); err != nil || again != w {
		tb.Fatal("the second Get did not use the cache")
	}
	return w
}

func TestRealWarninglists(t *testing.T) {
	w := realWarninglists(t)
	tests := []struct {
		in  indicator.Indicator
		hit bool
	}{
		{indicator.Indicator{Type: indicator.IPv4, MISPType: "ip-dst", Value: "8.8.4.4"}, true},
		{indicator.Indicator{Type: indicator.IPv4, MISPType: "ip-src", Value: "1.1.1.1"}, true},
		{indicator.Indicator{Type: indicator.IPv4, MISPType: "ip-dst", Value: "45.77.16.40"}, false},
		{indicator.Indicator{Type: indicator.Domain, MISPType: "domain", Value: "evil-example.xyz"}, false},
	}
	for _, tt := range tests {
		if v, hit := w.Match(tt.in); hit != tt.hit {
			t.Errorf("%s: hit %v (%+v), want %v", tt.in.Value, hit, v, tt.hit)
		}
	}
}

// BenchmarkCheckRealData checks every real indicator against the default
// rules and the real warninglists.
func BenchmarkCheckRealData(b *testing.B) {
	w := realWarninglists(b)
	ins := conformance.RealIndicators(b)
	p := guard.New(&config.Site{Name: "s"}, config.NeverBlock{Domains: []string{"corp.example"}, CIDRs: []string{"192.0.2.53"}}, "https://misp.example.net").WithWarninglists(w)
	b.ResetTimer()
	kept := 0
	for range b.N {
		kept = 0
		for _, in := range ins {
			if _, ok := p.Check(in); ok {
				kept++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ins)), "ns/indicator")
	b.ReportMetric(float64(len(ins)-kept), "kept-out")
}
