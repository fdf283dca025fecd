package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// target is one stated goal and how the run did against it.
type target struct {
	Name, Goal, Measured string
	// Verdict is "met", "MISSED" or "not measured".
	Verdict string
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

const notMeasured = "not measured"

// targets evaluates the goals against what was measured.
func (r *report) targets() []target {
	return []target{hitTarget(r.Hits), notModifiedTarget(r.Hits), coldTarget(r.Cold), coldTableRSSTarget(r.Cold),
		largeColdTarget(r.Mem), memTarget(r.Mem), floodTarget(r.Token)}
}

// hitGoal is the least share of nginx's throughput cratos should reach
// on cache hits and 304s, both logging every request.
const hitGoal = 0.9

// ratio is cratos' throughput over nginx's.
func (h hitRow) ratio() float64 { return ratioOf(h.Cratos.RPS, h.Nginx.RPS) }

func hitTarget(rows []hitRow) target {
	t := target{Name: "Cache-hit throughput", Goal: "≥ 0.90× nginx (identity and gzip)", Verdict: notMeasured}
	var parts []string
	ok := true
	for _, h := range rows {
		if h.Variant == "304" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s %.2f×", h.Feed, h.Variant, h.ratio()))
		ok = ok && h.ratio() >= hitGoal
	}
	if len(parts) > 0 {
		t.Measured, t.Verdict = strings.Join(parts, ", "), verdict(ok)
	}
	return t
}

func notModifiedTarget(rows []hitRow) target {
	t := target{Name: "304 throughput", Goal: "≥ 0.90× nginx", Verdict: notMeasured}
	var parts []string
	ok := true
	for _, h := range rows {
		if h.Variant != "304" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.2f×", h.Feed, h.ratio()))
		ok = ok && h.ratio() >= hitGoal
	}
	if len(parts) > 0 {
		t.Measured, t.Verdict = strings.Join(parts, ", "), verdict(ok)
	}
	return t
}

// coldGoal is the longest a cold txt build from a 1M-attribute MISP may take.
const coldGoal = 3 * time.Second

func coldTarget(rows []coldRow) target {
	t := target{Name: "Cold txt build, 1M-attribute MISP", Goal: "≤ 3 s", Verdict: notMeasured}
	for _, c := range rows {
		if c.Size != 1_000_000 {
			continue
		}
		for _, cell := range c.Cells {
			if cell.Output == "txt" {
				t.Measured = fmt.Sprintf("%s (%d entries from %d attributes)", fmtDur(cell.Took), c.Entries, c.Attributes)
				t.Verdict = verdict(cell.Took <= coldGoal)
			}
		}
	}
	if t.Verdict == notMeasured {
		t.Measured = "1M not among --sizes"
	}
	return t
}

// coldTableRSSGoal bounds cratos' peak RSS over the cold table's builds
// from a 1M-attribute MISP, with the default cache budget.
const coldTableRSSGoal = 400 << 20

func coldTableRSSTarget(rows []coldRow) target {
	t := target{Name: "Peak RSS of the cold table, 1M-attribute MISP", Goal: "≤ 400 MiB (every output built again and again, 256 MiB cache budget)", Verdict: notMeasured}
	for _, c := range rows {
		if c.Size == 1_000_000 {
			t.Measured = fmt.Sprintf("%s (%d entries)", fmtBytes(c.peakRSS()), c.Entries)
			t.Verdict = verdict(c.peakRSS() <= coldTableRSSGoal)
		}
	}
	if t.Verdict == notMeasured {
		t.Measured = "1M not among --sizes"
	}
	return t
}

// The goals of one cold txt build of the ~1M-entry list, from a MISP of
// 6M attributes, by a fresh process: the memory table's first row.
const (
	largeColdSize    = 6_000_000
	largeColdGoal    = 3 * time.Second
	largeColdRSSGoal = 350 << 20
)

func largeColdTarget(rows []memRow) target {
	t := target{Name: "Cold txt build, 6M-attribute MISP", Goal: "≤ 3 s and ≤ 350 MiB peak RSS (one request to a fresh cratos)", Verdict: notMeasured}
	for _, r := range rows {
		if r.N == 1 && r.Size == largeColdSize {
			t.Measured = fmt.Sprintf("%s, peak RSS %s (%d entries)", fmtWalls(r), fmtBytes(r.Peak), r.Entries)
			if len(r.Walls) > 1 {
				t.Measured += fmt.Sprintf("; median and highest peak of %d fresh processes", len(r.Walls))
			}
			if r.CratosCPU > 0 {
				t.Measured += fmt.Sprintf("; CPU time: cratos %s, the MISP emulator beside it %s", fmtDur(r.CratosCPU), fmtDur(r.MISPCPU))
			}
			if r.Held != (heldMemory{}) {
				t.Measured += "; held after the answer: " + r.Held.String()
			}
			t.Verdict = verdict(r.Failures == 0 && r.Wall <= largeColdGoal && r.Peak <= largeColdRSSGoal)
		}
	}
	if t.Verdict == notMeasured {
		t.Measured = "needs --large 6M and 1 among --concurrency"
	}
	return t
}

// memSlope returns the extra peak RSS per additional concurrent request
// between the smallest and the largest concurrency.
func memSlope(rows []memRow) (perRequest float64, first, last memRow, ok bool) {
	if len(rows) < 2 {
		return 0, memRow{}, memRow{}, false
	}
	s := slices.Clone(rows)
	slices.SortFunc(s, func(a, b memRow) int { return a.N - b.N })
	first, last = s[0], s[len(s)-1]
	if last.N == first.N {
		return 0, first, last, false
	}
	return float64(last.Peak-first.Peak) / float64(last.N-first.N), first, last, true
}

// connOverhead is what one more connection may cost cratos in buffers and
// goroutine stack without the artifact being copied.
const connOverhead = 64 << 10

// memTarget judges memory growth sub-linear when the feed was fetched once
// at every concurrency and each additional concurrent request costs less
// than half a copy of the body (or a connection's own buffers, for small
// bodies): responses share one artifact rather than each holding its own.
func memTarget(rows []memRow) target {
	t := target{Name: "Memory vs concurrent cold requests", Goal: "sub-linear: one fetch, < 0.5 body per extra request", Verdict: notMeasured}
	slope, first, last, ok := memSlope(rows)
	if !ok || first.Peak == 0 {
		return t
	}
	fetches := 0
	for _, r := range rows {
		fetches = max(fetches, r.Fetches)
	}
	t.Measured = fmt.Sprintf("peak %s at %d → %s at %d (%.2f× for %d× requests); %s per extra request, body %s; at most %d MISP fetch(es) per row",
		fmtBytes(first.Peak), first.N, fmtBytes(last.Peak), last.N, float64(last.Peak)/float64(first.Peak),
		last.N/first.N, fmtSlope(slope), fmtBytes(int64(last.Bytes)), fetches)
	t.Verdict = verdict(fetches == 1 && slope < max(0.5*float64(last.Bytes), connOverhead))
	return t
}

// floodGoal is how much slower valid requests may get during the paced
// invalid-token flood.
const floodGoal = 2.0

func floodTarget(tr *tokenResult) target {
	t := target{Name: "Valid latency under invalid-token flood", Goal: "< 2× the median without the flood (paced flood)", Verdict: notMeasured}
	if tr == nil || tr.Baseline.Requests == 0 {
		return t
	}
	var parts []string
	for _, f := range tr.Floods {
		if f.Valid.Requests == 0 {
			continue
		}
		p50 := ratioDur(f.Valid.Percentile(0.5), tr.Baseline.Percentile(0.5))
		p99 := ratioDur(f.Valid.Percentile(0.99), tr.Baseline.Percentile(0.99))
		if f.Rate > 0 {
			parts = append(parts, fmt.Sprintf("paced %.0f/s: median %.2f×, p99 %.2f×", f.Invalid.RPS(), p50, p99))
			t.Verdict = verdict(p50 < floodGoal)
		} else {
			parts = append(parts, fmt.Sprintf("unpaced %.0f/s: median %.2f×, p99 %.2f×", f.Invalid.RPS(), p50, p99))
		}
	}
	t.Measured = strings.Join(parts, "; ")
	return t
}

func ratioDur(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
