package main

import (
	"testing"
	"time"
)

func TestTargets(t *testing.T) {
	hit := func(feed, variant string, cratos, nginx float64) hitRow {
		return hitRow{Feed: feed, Variant: variant, Cratos: wrkResult{RPS: cratos}, Nginx: wrkResult{RPS: nginx}}
	}
	mib := int64(1 << 20)
	// cold6M is one run of the 6M cold build: its wall in ms, its peak in MiB.
	cold6M := func(ms time.Duration, peak int64) memRow {
		return memRow{N: 1, Size: 6_000_000, Entries: 1000, Wall: ms * time.Millisecond, Peak: peak * mib}
	}
	cases := []struct {
		name string
		got  target
		want target
	}{
		{"hits met", hitTarget([]hitRow{hit("small", "identity", 95, 100), hit("small", "304", 1, 100)}),
			target{"Cache-hit throughput", "≥ 0.90× nginx (identity and gzip)", "small identity 0.95×", "met"}},
		{"hits missed", hitTarget([]hitRow{hit("small", "identity", 60, 100), hit("large", "gzip", 40, 100)}),
			target{"Cache-hit throughput", "≥ 0.90× nginx (identity and gzip)", "small identity 0.60×, large gzip 0.40×", "MISSED"}},
		{"hits absent", hitTarget(nil), target{"Cache-hit throughput", "≥ 0.90× nginx (identity and gzip)", "", "not measured"}},
		{"304 met", notModifiedTarget([]hitRow{hit("small", "304", 120, 100)}), target{"304 throughput", "≥ 0.90× nginx", "small 1.20×", "met"}},
		{"304 missed", notModifiedTarget([]hitRow{hit("small", "304", 120, 100), hit("large", "304", 85, 100)}),
			target{"304 throughput", "≥ 0.90× nginx", "small 1.20×, large 0.85×", "MISSED"}},
		{"cold met", coldTarget([]coldRow{{Size: 1_000_000, Entries: 170, Attributes: 190, Cells: []coldCell{{Output: "txt", Took: 2 * time.Second}}}}),
			target{"Cold txt build, 1M-attribute MISP", "≤ 3 s", "2.00 s (170 entries from 190 attributes)", "met"}},
		{"cold missed", coldTarget([]coldRow{{Size: 1_000_000, Entries: 170, Attributes: 190, Cells: []coldCell{{Output: "txt", Took: 3100 * time.Millisecond}}}}),
			target{"Cold txt build, 1M-attribute MISP", "≤ 3 s", "3.10 s (170 entries from 190 attributes)", "MISSED"}},
		{"cold without 1M", coldTarget([]coldRow{{Size: 10_000}}),
			target{"Cold txt build, 1M-attribute MISP", "≤ 3 s", "1M not among --sizes", "not measured"}},
		{"cold table within", coldTableRSSTarget([]coldRow{{Size: 1_000_000, Entries: 170, FirstRSS: 300 * mib, Cells: []coldCell{{Output: "txt", RSS: 350 * mib}, {Output: "stix21", RSS: 400 * mib}}}}),
			target{"Peak RSS of the cold table, 1M-attribute MISP", "≤ 400 MiB (every output built again and again, 256 MiB cache budget)", "400.0 MiB (170 entries)", "met"}},
		{"cold table over", coldTableRSSTarget([]coldRow{{Size: 10_000, FirstRSS: 900 * mib}, {Size: 1_000_000, Entries: 170, FirstRSS: 401 * mib, Cells: []coldCell{{Output: "txt", RSS: 300 * mib}}}}),
			target{"Peak RSS of the cold table, 1M-attribute MISP", "≤ 400 MiB (every output built again and again, 256 MiB cache budget)", "401.0 MiB (170 entries)", "MISSED"}},
		{"cold table without 1M", coldTableRSSTarget([]coldRow{{Size: 10_000, FirstRSS: mib}}),
			target{"Peak RSS of the cold table, 1M-attribute MISP", "≤ 400 MiB (every output built again and again, 256 MiB cache budget)", "1M not among --sizes", "not measured"}},
		{"6M build met", largeColdTarget([]memRow{{N: 10, Size: 6_000_000, Wall: time.Second, Peak: 100 * mib}, {N: 1, Size: 6_000_000, Entries: 1000, Wall: 3 * time.Second, Peak: 350 * mib}}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)", "3.00 s, peak RSS 350.0 MiB (1000 entries)", "met"}},
		{"6M build too slow", largeColdTarget([]memRow{{N: 1, Size: 6_000_000, Entries: 1000, Wall: 6500 * time.Millisecond, Peak: 300 * mib}}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)", "6.50 s, peak RSS 300.0 MiB (1000 entries)", "MISSED"}},
		{"6M build too large", largeColdTarget([]memRow{{N: 1, Size: 6_000_000, Entries: 1000, Wall: 2 * time.Second, Peak: 351 * mib}}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)", "2.00 s, peak RSS 351.0 MiB (1000 entries)", "MISSED"}},
		{"6M build failed", largeColdTarget([]memRow{{N: 1, Size: 6_000_000, Wall: time.Second, Peak: mib, Failures: 1}}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)", "1.00 s, peak RSS 1.0 MiB (0 entries)", "MISSED"}},
		{"6M build, three runs, met", largeColdTarget([]memRow{medianRun([]memRow{cold6M(3900, 340), cold6M(2900, 350), cold6M(2950, 330)})}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)",
				"2.95 s (3.90 s, 2.90 s, 2.95 s), peak RSS 350.0 MiB (1000 entries); median and highest peak of 3 fresh processes", "met"}},
		{"6M build, three runs, the highest peak over", largeColdTarget([]memRow{medianRun([]memRow{cold6M(2900, 340), cold6M(2800, 351), cold6M(3100, 330)})}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)",
				"2.90 s (2.90 s, 2.80 s, 3.10 s), peak RSS 351.0 MiB (1000 entries); median and highest peak of 3 fresh processes", "MISSED"}},
		{"6M build, with CPU times", largeColdTarget([]memRow{{N: 1, Size: 6_000_000, Entries: 1000, Wall: 4 * time.Second, Peak: 400 * mib, CratosCPU: 5100 * time.Millisecond, MISPCPU: 1900 * time.Millisecond}}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)",
				"4.00 s, peak RSS 400.0 MiB (1000 entries); CPU time: cratos 5.10 s, the MISP emulator beside it 1.90 s", "MISSED"}},
		{"6M build not run", largeColdTarget([]memRow{{N: 1, Size: 20_000, Wall: time.Second}}),
			target{"Cold txt build, 6M-attribute MISP", "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)", "needs --large 6M and 1 among --concurrency", "not measured"}},
		{"memory shared", memTarget([]memRow{{N: 1, Peak: 100 * mib, Bytes: 16 * int(mib), Fetches: 1}, {N: 101, Peak: 110 * mib, Bytes: 16 * int(mib), Fetches: 1}}),
			target{"Memory vs concurrent cold requests", "sub-linear: one fetch, < 0.5 body per extra request",
				"peak 100.0 MiB at 1 → 110.0 MiB at 101 (1.10× for 101× requests); 102.4 KiB per extra request, body 16.0 MiB; at most 1 MISP fetch(es) per row", "met"}},
		{"memory copied", memTarget([]memRow{{N: 1, Peak: 100 * mib, Bytes: 16 * int(mib), Fetches: 1}, {N: 11, Peak: 260 * mib, Bytes: 16 * int(mib), Fetches: 1}}),
			target{"Memory vs concurrent cold requests", "sub-linear: one fetch, < 0.5 body per extra request",
				"peak 100.0 MiB at 1 → 260.0 MiB at 11 (2.60× for 11× requests); 16.0 MiB per extra request, body 16.0 MiB; at most 1 MISP fetch(es) per row", "MISSED"}},
		{"memory fetched twice", memTarget([]memRow{{N: 1, Peak: 100 * mib, Bytes: 1000, Fetches: 1}, {N: 10, Peak: 100 * mib, Bytes: 1000, Fetches: 2}}),
			target{"Memory vs concurrent cold requests", "sub-linear: one fetch, < 0.5 body per extra request",
				"peak 100.0 MiB at 1 → 100.0 MiB at 10 (1.00× for 10× requests); none per extra request, body 1000 B; at most 2 MISP fetch(es) per row", "MISSED"}},
		{"memory one row", memTarget([]memRow{{N: 1, Peak: mib}}), target{"Memory vs concurrent cold requests", "sub-linear: one fetch, < 0.5 body per extra request", "", "not measured"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got  %+v\nwant %+v", tc.got, tc.want)
			}
		})
	}
}

func TestFloodTarget(t *testing.T) {
	lr := func(n int, each time.Duration, elapsed time.Duration) loadResult {
		r := loadResult{Requests: n, Elapsed: elapsed}
		for range n {
			r.lat = append(r.lat, each)
		}
		return r
	}
	base := lr(100, time.Millisecond, time.Second)
	cases := []struct {
		name string
		tr   *tokenResult
		want target
	}{
		{"not run", nil, target{"Valid latency under invalid-token flood", "< 2× the median without the flood (paced flood)", "", "not measured"}},
		{"met", &tokenResult{Baseline: base, Floods: []floodRun{
			{Rate: 1000, Valid: lr(50, 1500*time.Microsecond, time.Second), Invalid: lr(1000, time.Millisecond, time.Second)},
			{Rate: 0, Valid: lr(10, 5*time.Millisecond, time.Second), Invalid: lr(1000, time.Millisecond, 500*time.Millisecond)},
		}}, target{"Valid latency under invalid-token flood", "< 2× the median without the flood (paced flood)",
			"paced 1000/s: median 1.50×, p99 1.50×; unpaced 2000/s: median 5.00×, p99 5.00×", "met"}},
		{"missed", &tokenResult{Baseline: base, Floods: []floodRun{
			{Rate: 1000, Valid: lr(50, 2*time.Millisecond, time.Second), Invalid: lr(1000, time.Millisecond, time.Second)},
		}}, target{"Valid latency under invalid-token flood", "< 2× the median without the flood (paced flood)",
			"paced 1000/s: median 2.00×, p99 2.00×", "MISSED"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := floodTarget(tc.tr); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
