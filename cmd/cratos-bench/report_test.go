package main

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/goldentest"
)

func TestReportGolden(t *testing.T) {
	o, err := parseOptions([]string{"--out", "run.md"})
	if err != nil {
		t.Fatal(err)
	}
	lat := func(ms ...float64) loadResult {
		r := loadResult{Elapsed: time.Second}
		for _, m := range ms {
			r.lat = append(r.lat, time.Duration(m*float64(time.Millisecond)))
		}
		r.Requests = len(r.lat)
		return r
	}
	invalid := lat(1, 1, 1, 1)
	invalid.Statuses = map[int]int{403: 4}
	rep := &report{
		Started: time.Date(2026, 11, 23, 1, 2, 3, 0, time.UTC),
		Took:    6*time.Minute + 30*time.Second,
		Options: o,
		Machine: machine{CPU: "Test CPU", Cores: 2, Memory: 24 << 30, Kernel: "6.1.0", Go: "go1.26.8", Nginx: "nginx/1.22.1", Wrk: "wrk 4.1.0",
			LoadBefore: "0.50 0.40 0.30", LoadAfter: "1.50 1.20 0.90"},
		Cold: []coldRow{{Size: 1_000_000, Attributes: 192164, Fetch: 1800 * time.Millisecond, First: 2500 * time.Millisecond, FirstRSS: 900 << 20, Entries: 170216,
			Cells: []coldCell{{"txt", 1900 * time.Millisecond, 2591880, 800 << 20}, {"edl", 1950 * time.Millisecond, 2421595, 810 << 20}, {"rpz", 2100 * time.Millisecond, 5 << 20, 820 << 20},
				{"suricata", 2050 * time.Millisecond, 4 << 20, 830 << 20}, {"stix21", 4 * time.Second, 90 << 20, 1 << 30}}}},
		Hits: []hitRow{
			{Feed: "small", Size: 60_000, Entries: 10_123, Variant: "identity", Bytes: 150_000, Cratos: wrkResult{RPS: 9000, P50: 2 * time.Millisecond, P99: 9 * time.Millisecond},
				Nginx: wrkResult{RPS: 20000, P50: time.Millisecond, P99: 5 * time.Millisecond}, RSS: 60 << 20},
			{Feed: "small", Size: 60_000, Entries: 10_123, Variant: "304", Cratos: wrkResult{RPS: 15000, P50: time.Millisecond, P99: 4 * time.Millisecond, Bad: 2},
				Nginx: wrkResult{RPS: 30000, P50: 500 * time.Microsecond, P99: 2 * time.Millisecond}, RSS: 50 << 20},
		},
		Floor: []floorRow{{Variant: "identity", Floor: wrkResult{RPS: 16000}, Nginx: wrkResult{RPS: 20000}},
			{Variant: "304", Floor: wrkResult{RPS: 24000}, Nginx: wrkResult{RPS: 30000}}},
		Setups: []setupRow{{Setup: setups[0].name, Variant: "304", Cratos: wrkResult{RPS: 28000, P50: time.Millisecond, P99: 3 * time.Millisecond},
			Nginx: wrkResult{RPS: 30000, P50: 700 * time.Microsecond, P99: 2 * time.Millisecond}}},
		Mem: []memRow{{N: 1, Size: 6_000_000, Entries: 1_020_000, Bytes: 15 << 20, Base: 20 << 20, Peak: 1 << 30, Wall: 12 * time.Second, Fetches: 1,
			CratosCPU: 15 * time.Second, MISPCPU: 2500 * time.Millisecond,
			Held: heldMemory{FeedSnapshots: 237 << 20, ListSnapshots: 126 << 20, Lists: 15 << 20, LastGood: 15 << 20, Heap: 470 << 20}},
			{N: 500, Size: 6_000_000, Entries: 1_020_000, Bytes: 15 << 20, Base: 20 << 20, Peak: 1100 << 20, Wall: 20 * time.Second, Fetches: 1,
				CratosCPU: 31 * time.Second, MISPCPU: 2600 * time.Millisecond}},
		Token: &tokenResult{Tokens: 10, First: 300 * time.Microsecond, Repeat: 220 * time.Microsecond, Baseline: lat(1, 1, 2, 3), RSS: 70 << 20,
			Floods: []floodRun{{Rate: 1000, Valid: lat(1, 2, 2, 4), Invalid: invalid}, {Rate: 0, Valid: lat(3, 5, 6, 9), Invalid: invalid}}},
		Errors: []string{"cache hits, large feed: start mispsim: not ready\nlast output: ..."},
	}
	var buf bytes.Buffer
	if err := rep.write(&buf); err != nil {
		t.Fatal(err)
	}
	goldentest.File(t, filepath.Join("testdata", "report", "report.md"), buf.Bytes())
}
