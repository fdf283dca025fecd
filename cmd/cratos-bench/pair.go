package main

import (
	"context"
	"slices"
	"time"
)

// wrkTarget is one server's URL and request headers for wrk.
type wrkTarget struct {
	url     string
	headers []string
}

// pairRound is the length of one wrk run when cratos and nginx take turns.
const pairRound = 2 * time.Second

// runPair measures cratos and nginx for d each, in turns of pairRound
// (cratos first) rather than one after the other, so that a change in
// the machine's other load during the run falls on both alike. Requests
// and errors add up over the turns, req/s is their total over the total
// time, and the latency percentiles are the medians of the turns'.
func runPair(ctx context.Context, wrk string, cratos, nginx wrkTarget, conns int, d time.Duration) (c, n wrkResult, err error) {
	rounds := max(1, int(d/pairRound))
	round := d / time.Duration(rounds)
	var cs, ns []wrkResult
	for range rounds {
		r, err := runWrk(ctx, wrk, cratos.url, cratos.headers, conns, round)
		if err != nil {
			return c, n, err
		}
		cs = append(cs, r)
		if r, err = runWrk(ctx, wrk, nginx.url, nginx.headers, conns, round); err != nil {
			return c, n, err
		}
		ns = append(ns, r)
	}
	return combineWrk(cs), combineWrk(ns), nil
}

// combineWrk sums equal-length wrk runs: req/s over the whole time, and
// the median run's p50 and p99.
func combineWrk(rs []wrkResult) wrkResult {
	var out wrkResult
	if len(rs) == 0 {
		return out
	}
	var secs float64
	var p50s, p99s []time.Duration
	for _, r := range rs {
		out.Requests += r.Requests
		out.Bad += r.Bad
		if r.RPS > 0 {
			secs += float64(r.Requests) / r.RPS
		}
		p50s = append(p50s, r.P50)
		p99s = append(p99s, r.P99)
	}
	if secs > 0 {
		out.RPS = float64(out.Requests) / secs
	}
	slices.Sort(p50s)
	slices.Sort(p99s)
	out.P50, out.P99 = p50s[len(p50s)/2], p99s[len(p99s)/2]
	return out
}
