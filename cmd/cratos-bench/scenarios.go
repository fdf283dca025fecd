package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// outputs are the renderers of the cold-build table.
var outputs = []string{"txt", "edl", "rpz", "suricata", "stix21"}

// runAll runs every scenario; a failed scenario is recorded and the next
// one still runs.
func (b *bench) runAll(ctx context.Context) *report {
	rep := &report{Started: time.Now(), Options: b.o, Machine: readMachine(b.cratos, b.wrk, b.nginx)}
	defer func() {
		rep.Took = time.Since(rep.Started)
		rep.Machine.LoadAfter = loadAverage()
	}()
	if b.o.mispLoad {
		b.mispLoadPhase(ctx, rep)
		return rep
	}
	if b.o.cold6M {
		b.largePhase(ctx, rep)
		return rep
	}
	if b.o.smallHits {
		if err := b.startNginx(ctx); err != nil {
			rep.fail("nginx", err)
			return rep
		}
		b.smallPhase(ctx, rep, true)
		return rep
	}
	for _, size := range b.o.sizes {
		if ctx.Err() != nil {
			break
		}
		row, err := b.cold(ctx, size)
		if err != nil {
			rep.fail(fmt.Sprintf("cold builds, %d attributes", size), err)
			continue
		}
		rep.Cold = append(rep.Cold, row)
	}
	if ctx.Err() == nil {
		if err := b.startNginx(ctx); err != nil {
			rep.fail("nginx", err)
			return rep
		}
	}
	if ctx.Err() == nil {
		b.smallPhase(ctx, rep, false)
	}
	if ctx.Err() == nil {
		b.largePhase(ctx, rep)
	}
	if ctx.Err() == nil {
		b.mispLoadPhase(ctx, rep)
	}
	if ctx.Err() != nil {
		rep.fail("run", fmt.Errorf("interrupted: %w", ctx.Err()))
	}
	return rep
}

// coldRow is the cold-build row of one MISP size.
type coldRow struct {
	Size       int           // generated attributes
	Attributes int           // attributes the feed's query matched
	Fetch      time.Duration // cratos' own fetch and normalisation time
	First      time.Duration // first build after start (txt)
	FirstRSS   int64
	Entries    int
	Cells      []coldCell
}

// peakRSS is cratos' peak over every build of the row.
func (c coldRow) peakRSS() int64 {
	rss := c.FirstRSS
	for _, cell := range c.Cells {
		rss = max(rss, cell.RSS)
	}
	return rss
}

// coldCell is one output's cold build.
type coldCell struct {
	Output string
	Took   time.Duration // median of the repeats
	Bytes  int
	RSS    int64 // peak over the repeats
}

// cold measures cold builds of the feed in every output with a MISP of
// size attributes: the cache is cleared before each timed request.
func (b *bench) cold(ctx context.Context, size int) (coldRow, error) {
	row := coldRow{Size: size}
	m, err := b.startMISP(ctx, size)
	if err != nil {
		return row, err
	}
	defer m.p.Stop(5 * time.Second)
	cc, err := b.newConfigLog("cold-"+strconv.Itoa(size), "", true) // the default cache budget
	if err != nil {
		return row, err
	}
	tok, err := b.mint(ctx, cc, m.url)
	if err != nil {
		return row, err
	}
	c, err := b.startCratos(ctx, cc)
	if err != nil {
		return row, err
	}
	defer c.p.Stop(10 * time.Second)

	b.logf("cold builds at %d attributes", size)
	probe := startRSS(c.pid())
	r, err := b.feed(ctx, c, tok, "txt", nil, http.StatusOK)
	row.FirstRSS = probe.peak()
	if err != nil {
		return row, err
	}
	row.First, row.Entries = r.took, entries(r)
	row.Attributes, _, _ = c.lastFetch(1)
	builds := 1
	var fetches []time.Duration
	for _, out := range outputs {
		cell := coldCell{Output: out}
		var times []time.Duration
		for range b.o.coldRepeats {
			if err := b.clearFeed(ctx, c, tok); err != nil {
				return row, err
			}
			probe := startRSS(c.pid())
			r, err := b.feed(ctx, c, tok, out, nil, http.StatusOK)
			cell.RSS = max(cell.RSS, probe.peak())
			if err != nil {
				return row, err
			}
			if got := r.header.Get("X-Cache"); got != "MISS" {
				return row, fmt.Errorf("cold %s: X-Cache %q after clearing the cache, want MISS", out, got)
			}
			builds++
			if _, took, ok := c.lastFetch(builds); ok && out == "txt" {
				fetches = append(fetches, took)
			}
			times = append(times, r.took)
			cell.Bytes = len(r.body)
		}
		cell.Took = median(times)
		row.Cells = append(row.Cells, cell)
	}
	row.Fetch = median(fetches)
	return row, nil
}

// hitRow compares cratos with nginx serving the same bytes.
type hitRow struct {
	Feed    string // "small" (~10k entries) or "large" (~1M entries)
	Size    int    // MISP attributes
	Entries int
	Variant string // identity, gzip, 304
	Bytes   int    // body size of the variant
	Cratos  wrkResult
	Nginx   wrkResult
	RSS     int64 // cratos' peak during its run
}

// hits measures cache-hit throughput of the txt feed against nginx, for
// the identity body, the gzip body and 304 answers; with withFloor, the
// floor server's too (see floor).
func (b *bench) hits(ctx context.Context, label string, size int, c *cratosInst, tok string, withFloor bool) ([]hitRow, []floorRow, error) {
	if _, err := b.feed(ctx, c, tok, "txt", nil, http.StatusOK); err != nil {
		return nil, nil, err
	}
	plain, err := b.feed(ctx, c, tok, "txt", nil, http.StatusOK)
	if err != nil {
		return nil, nil, err
	}
	if plain.header.Get("X-Cache") != "HIT" || plain.header.Get("Content-Encoding") != "" {
		return nil, nil, fmt.Errorf("hits %s: X-Cache %q, Content-Encoding %q; want a plain HIT", label, plain.header.Get("X-Cache"), plain.header.Get("Content-Encoding"))
	}
	gz, err := b.feed(ctx, c, tok, "txt", map[string]string{"Accept-Encoding": "gzip"}, http.StatusOK)
	if err != nil {
		return nil, nil, err
	}
	if gz.header.Get("Content-Encoding") != "gzip" {
		return nil, nil, fmt.Errorf("hits %s: no gzip answer to Accept-Encoding: gzip", label)
	}
	etag := plain.header.Get("ETag")
	if _, err := b.feed(ctx, c, tok, "txt", map[string]string{"If-None-Match": etag}, http.StatusNotModified); err != nil {
		return nil, nil, err
	}
	name := "feed-" + strconv.Itoa(size) + ".txt"
	ngETag, err := b.serveStatic(ctx, name, plain.body, gz.body)
	if err != nil {
		return nil, nil, err
	}
	cratosURL, ngURL := c.base+feedPrefix+"txt", b.ngURL+"/"+name
	variants := []struct {
		name       string
		bytes      int
		cratos, ng []string
	}{
		{"identity", len(plain.body), nil, nil},
		{"gzip", len(gz.body), []string{"Accept-Encoding: gzip"}, []string{"Accept-Encoding: gzip"}},
		{"304", 0, []string{"If-None-Match: " + etag}, []string{"If-None-Match: " + ngETag}},
	}
	var rows []hitRow
	for _, v := range variants {
		b.logf("cache hits %s %s: cratos and nginx in turns, %s each", label, v.name, b.o.duration)
		row := hitRow{Feed: label, Size: size, Entries: entries(plain), Variant: v.name, Bytes: v.bytes}
		probe := startRSS(c.pid())
		row.Cratos, row.Nginx, err = runPair(ctx, b.wrk, wrkTarget{cratosURL, append([]string{"token: " + tok}, v.cratos...)}, wrkTarget{ngURL, v.ng},
			b.o.connections, b.o.duration)
		row.RSS = probe.peak()
		if err != nil {
			return rows, nil, err
		}
		rows = append(rows, row)
	}
	if !withFloor {
		return rows, nil, nil
	}
	floors, err := b.floor(ctx, plain, gz, ngURL, ngETag)
	return rows, floors, err
}

// smallPhase runs the ~10k-entry feed's cache hits and the floor, then,
// unless hitsOnly (--small-hits), the logging set-ups and the token
// scenarios.
func (b *bench) smallPhase(ctx context.Context, rep *report, hitsOnly bool) {
	m, err := b.startMISP(ctx, b.o.small)
	if err != nil {
		rep.fail("small feed", err)
		return
	}
	defer m.p.Stop(5 * time.Second)
	b.smallFeedHits(ctx, m, rep)
	if ctx.Err() != nil && hitsOnly {
		rep.fail("run", fmt.Errorf("interrupted: %w", ctx.Err()))
	}
	if ctx.Err() != nil || hitsOnly {
		return
	}
	rows, err := b.compareSetups(ctx, m)
	rep.Setups = rows
	rep.fail("logging set-ups, small feed", err)
	if ctx.Err() != nil {
		return
	}
	tr, err := b.tokens(ctx, m)
	rep.Token = tr
	rep.fail("token verification", err)
}

// smallFeedHits measures the small feed's cache hits and the floor on a fresh
// cratos reading m.
func (b *bench) smallFeedHits(ctx context.Context, m *mispInst, rep *report) {
	err := func() error {
		cc, err := b.newConfig("small", "")
		if err != nil {
			return err
		}
		tok, err := b.mint(ctx, cc, m.url)
		if err != nil {
			return err
		}
		c, err := b.startCratos(ctx, cc)
		if err != nil {
			return err
		}
		defer c.p.Stop(10 * time.Second)
		rows, floors, err := b.hits(ctx, "small", m.size, c, tok, true)
		rep.Hits, rep.Floor = append(rep.Hits, rows...), floors
		return err
	}()
	rep.fail("cache hits, small feed", err)
}

// largePhase runs the memory table and the ~1M-entry feed's cache hits;
// with --only cold6m, the table's one-request row alone.
func (b *bench) largePhase(ctx context.Context, rep *report) {
	size := largeSize(b.o)
	m, err := b.startMISP(ctx, size)
	if err != nil {
		rep.fail("large feed", err)
		return
	}
	defer m.p.Stop(5 * time.Second)
	cc, err := b.newConfig("large", "")
	if err != nil {
		rep.fail("large feed", err)
		return
	}
	tok, err := b.mint(ctx, cc, m.url)
	if err != nil {
		rep.fail("large feed", err)
		return
	}
	concurrency := b.o.concurrency
	if b.o.cold6M {
		concurrency = []int{1}
	}
	for _, n := range concurrency {
		if ctx.Err() != nil {
			return
		}
		row, err := b.concurrentRepeated(ctx, m, cc, tok, n)
		if err != nil {
			rep.fail(fmt.Sprintf("memory, %d concurrent requests", n), err)
			continue
		}
		row.Size = size
		rep.Mem = append(rep.Mem, row)
	}
	if ctx.Err() != nil || b.o.cold6M {
		return
	}
	err = func() error {
		c, err := b.startCratos(ctx, cc)
		if err != nil {
			return err
		}
		defer c.p.Stop(10 * time.Second)
		rows, _, err := b.hits(ctx, "large", size, c, tok, false)
		rep.Hits = append(rep.Hits, rows...)
		return err
	}()
	rep.fail("cache hits, large feed", err)
}
