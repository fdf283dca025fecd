package main

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// memRow is the memory of one fresh cratos answering n concurrent cold
// requests for the same feed.
type memRow struct {
	N        int
	Size     int
	Entries  int
	Bytes    int   // body size
	Base     int64 // RSS before the requests
	Peak     int64
	Wall     time.Duration   // until the last answer was read
	Walls    []time.Duration // of every run, for a row of several
	Fetches  int             // MISP fetches cratos logged
	Failures int
	// CPU time used until the last answer: cratos' since it started, and
	// the MISP emulator's, on the same machine, while it answered.
	CratosCPU, MISPCPU time.Duration
	// Held is what cratos' stores held after the last answer.
	Held heldMemory
}

// concurrentRepeated is concurrent, run o.coldRepeats times for a single
// request: one cold build is as noisy as the cold table's, which takes
// the median of as many. The row is the run of median wall time, with
// the highest peak RSS of all runs.
func (b *bench) concurrentRepeated(ctx context.Context, m *mispInst, cc cratosConfig, tok string, n int) (memRow, error) {
	if n != 1 || b.o.coldRepeats < 2 {
		return b.concurrent(ctx, m, cc, tok, n)
	}
	var runs []memRow
	for range b.o.coldRepeats {
		row, err := b.concurrent(ctx, m, cc, tok, n)
		if err != nil {
			return row, err
		}
		runs = append(runs, row)
	}
	return medianRun(runs), nil
}

// medianRun returns the run of median wall time, with the highest peak
// RSS of runs and every run's wall time.
func medianRun(runs []memRow) memRow {
	byWall := slices.SortedFunc(slices.Values(runs), func(a, b memRow) int { return cmp.Compare(a.Wall, b.Wall) })
	row := byWall[len(byWall)/2]
	for _, r := range runs {
		row.Walls = append(row.Walls, r.Wall)
		row.Peak = max(row.Peak, r.Peak)
	}
	return row
}

// concurrent starts a fresh cratos and sends it n simultaneous cold
// requests of the txt feed, which m answers.
func (b *bench) concurrent(ctx context.Context, m *mispInst, cc cratosConfig, tok string, n int) (memRow, error) {
	row := memRow{N: n}
	c, err := b.startCratos(ctx, cc)
	if err != nil {
		return row, err
	}
	defer c.p.Stop(10 * time.Second)
	b.logf("memory: %d concurrent cold requests", n)
	if row.Base, _, err = memStatus(c.pid()); err != nil {
		return row, err
	}
	client := newClient(n)
	defer client.CloseIdleConnections()
	url := c.base + feedPrefix + "txt"
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		ready = make(chan struct{})
	)
	mispBefore, err := cpuTime(m.p.pid())
	if err != nil {
		return row, err
	}
	probe := startRSS(c.pid())
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			// Bodies are counted, not kept: hundreds of copies of a large
			// list would not fit here.
			status, hdr, n, err := count(ctx, client, url, map[string]string{"token": tok})
			mu.Lock()
			defer mu.Unlock()
			if err != nil || status != http.StatusOK {
				row.Failures++
				return
			}
			row.Entries, _ = strconv.Atoi(hdr.Get("X-Cratos-Entries"))
			row.Bytes = int(n)
		}()
	}
	close(ready)
	wg.Wait()
	row.Wall = time.Since(start)
	row.Peak = probe.peak()
	if row.CratosCPU, err = cpuTime(c.pid()); err != nil {
		return row, err
	}
	mispAfter, err := cpuTime(m.p.pid())
	if err != nil {
		return row, err
	}
	row.MISPCPU = mispAfter - mispBefore
	if row.Held, err = scrapeHeld(ctx, client, c.base+"/metrics"); err != nil {
		b.logf("memory: %v", err)
	}
	row.Fetches = c.p.log.count(markFetched)
	if row.Failures > 0 {
		return row, c.p.failure(fmt.Errorf("%d of %d concurrent requests failed", row.Failures, n))
	}
	return row, nil
}
