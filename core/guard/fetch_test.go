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
	"github.com/cratos-project/cratos/internal/testtool/misptest"
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
	sim, url := misptest.Start(tb, mispsim.Options{DataDir: dir})
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

// warninglistCache returns an emulated MISP holding one cidr warninglist,
// a client of it, and a warninglist cache keeping lists an hour on the
// clock now points to.
func warninglistCache(t *testing.T) (*mispsim.Server, *misp.Client, *guard.WarninglistCache, *time.Time) {
	sim := misptest.New(t, mispsim.Options{})
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "dns", Type: "cidr", List: []string{"8.8.4.4"}}); err != nil {
		t.Fatal(err)
	}
	url := misptest.Serve(t, sim)
	now := time.Unix(1_800_000_000, 0)
	wc := guard.NewWarninglistCache(time.Hour, func() time.Time { return now })
	c := misp.New(misp.Options{Site: "sim", BaseURL: url, Key: mispsim.DefaultKey, Timeout: 30 * time.Second})
	return sim, c, wc, &now
}

// A MISP whose warninglists fail is not asked again for a while, and
// the last lists read keep being used.
func TestWarninglistCacheFailure(t *testing.T) {
	sim, c, wc, now := warninglistCache(t)
	first, err := wc.Get(context.Background(), "k", c)
	if err != nil || first.Len() != 1 {
		t.Fatalf("first read: %v", err)
	}
	sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 403})
	*now = now.Add(2 * time.Hour)
	sim.ResetRequests()
	for range 3 {
		w, err := wc.Get(context.Background(), "k", c)
		if err == nil || w != first {
			t.Fatalf("after a failure: %v, %v", w, err)
		}
	}
	if n := len(sim.Requests()); n != 1 {
		t.Errorf("%d requests to a failing MISP, want 1", n)
	}
	sim.SetFault(mispsim.Fault{})
	*now = now.Add(6 * time.Minute)
	if w, err := wc.Get(context.Background(), "k", c); err != nil || w == first || w.Len() != 1 {
		t.Errorf("after recovery: %v", err)
	}
}

// A read cut short by its caller's context (a request that left, a TAXII
// poll at its deadline) is no failure of MISP: the next build reads the
// warninglists rather than go without them for the failure's pause.
func TestWarninglistCacheCallerCancelled(t *testing.T) {
	_, c, wc, _ := warninglistCache(t)
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if w, err := wc.Get(ended, "k", c); err == nil || w != nil {
		t.Fatalf("read with an ended context: %v, %v", w, err)
	}
	if w, err := wc.Get(context.Background(), "k", c); err != nil || w == nil || w.Len() != 1 {
		t.Fatalf("next read: %v, %v", w, err)
	}
}
