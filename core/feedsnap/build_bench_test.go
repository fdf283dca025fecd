//go:build unix

package feedsnap_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// benchRows is a feed of about n attributes as a full read returns them:
// events of 1 to 2,000 attributes, in event order but in random uuid
// order within each event, types drawn from every data type's (one string
// per type, as the MISP decoder interns them), and one row in a thousand
// read again by an overlapping page with a newer timestamp.
func benchRows(n int) []indicator.Attribute {
	rng := rand.New(rand.NewPCG(3, 4))
	types := slices.Compact(slices.Sorted(slices.Values(unionTypes())))
	common := []string{"ip-dst", "ip-src", "domain", "url", "sha256", "md5", "hostname"}
	rows := make([]indicator.Attribute, 0, n+n/1000)
	for ev := int64(1); len(rows) < n; ev++ {
		size := 1 + rng.IntN(2000)
		for range min(size, n-len(rows)) {
			typ := common[rng.IntN(len(common))]
			if rng.IntN(4) == 0 {
				typ = types[rng.IntN(len(types))]
			}
			rows = append(rows, indicator.Attribute{Type: typ, Category: "Network activity",
				Value:   fmt.Sprintf("%d.%d.%d.%d", rng.IntN(224), rng.IntN(256), rng.IntN(256), rng.IntN(256)),
				UUID:    fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<16), rng.Int64N(1<<48)),
				EventID: ev, Timestamp: 1700000000 + rng.Int64N(1e8), ToIDS: rng.IntN(4) > 0})
		}
	}
	for i := range n / 1000 {
		again := rows[rng.IntN(len(rows)-i)]
		again.Timestamp++
		rows = append(rows, again)
	}
	return rows
}

// pagedSearch hands rows over in pages of 50,000, one sink a page, as
// (*misp.Client).SearchAttributes does.
func pagedSearch(rows []indicator.Attribute) feedsnap.Search {
	return func(_ context.Context, _ misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		for page := range slices.Chunk(rows, 50_000) {
			sink := newSink()
			for _, a := range page {
				sink(a)
			}
		}
		return len(rows), nil
	}
}

// BenchmarkColdBuild makes the snapshot of a 500,000-attribute feed as a
// full read does (rows in MISP's order, or already in uuid order within
// each event), then selects from it what a few data types' lists take:
//
//	go test ./core/feedsnap -run '^$' -bench ColdBuild -benchmem
func BenchmarkColdBuild(b *testing.B) {
	rows := benchRows(500_000)
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b indicator.Attribute) int {
		if a.EventID != b.EventID {
			return int(a.EventID - b.EventID)
		}
		return strings.Compare(a.UUID, b.UUID)
	})
	started := time.Unix(1800000000, 0)
	for name, in := range map[string][]indicator.Attribute{"full": rows, "full-sorted": sorted} {
		b.Run(name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if _, _, err := feedsnap.Full(b.Context(), feedsnap.Source{Search: pagedSearch(in)}, misp.Query{}, started); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	s, _, err := feedsnap.Full(b.Context(), feedsnap.Source{Search: pagedSearch(rows)}, misp.Query{}, started)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"ipv4", "domain", "file-sha256", "email-address"} {
		dt, _ := indicator.LookupDataType(name)
		sel := feedsnap.Selection{Types: dt.MISPTypes, ToIDS: true, Since: 1750000000}
		b.Run("select-"+name, func(b *testing.B) {
			var n int
			defer reportCPU(b)()
			for b.Loop() {
				n = 0
				s.Select(sel, func(indicator.Attribute) { n++ })
			}
			b.ReportMetric(float64(n), "selected")
		})
	}
}

// BenchmarkHeld reports the heap a 500,000-attribute snapshot holds, each
// row's value and uuid read into one allocation as the MISP decoder does:
//
//	go test ./core/feedsnap -run '^$' -bench Held
func BenchmarkHeld(b *testing.B) {
	rows := benchRows(500_000)
	decoded := func(_ context.Context, _ misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		sink := newSink()
		for _, a := range rows {
			both := strings.Clone(a.Value + a.UUID)
			a.Value, a.UUID = both[:len(a.Value)], both[len(a.Value):]
			sink(a)
		}
		return len(rows), nil
	}
	var held float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, _, err := feedsnap.Full(b.Context(), feedsnap.Source{Search: decoded}, misp.Query{}, time.Unix(1800000000, 0))
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(s.Attributes)
		runtime.KeepAlive(s)
	}
	b.ReportMetric(held, "held-B/attr")
	runtime.KeepAlive(rows)
}

// reportCPU reports the process's CPU time (user and system, the
// collector's included) per iteration as cpu-ns/op, which a busy machine
// disturbs less than the wall time of ns/op. Call it before the loop and
// defer what it returns.
func reportCPU(b *testing.B) func() {
	start := cpuTime(b)
	return func() { b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
