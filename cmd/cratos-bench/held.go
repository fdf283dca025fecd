package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// heldMemory is what cratos' in-process stores hold, as their budgets
// charge them (cratos_memory_held_bytes), and the Go heap's live and
// not yet collected objects (go_memstats_heap_alloc_bytes).
type heldMemory struct {
	FeedSnapshots, ListSnapshots, Lists, LastGood, Heap int64
}

// scrapeHeld reads heldMemory from cratos' /metrics at url.
func scrapeHeld(ctx context.Context, c *http.Client, url string) (heldMemory, error) {
	res, err := do(ctx, c, "GET", url, nil)
	if err != nil {
		return heldMemory{}, err
	}
	if res.status != http.StatusOK {
		return heldMemory{}, fmt.Errorf("%s: status %d", url, res.status)
	}
	return parseHeld(string(res.body))
}

// parseHeld reads heldMemory from a Prometheus text exposition; a series
// it lacks is left 0.
func parseHeld(text string) (heldMemory, error) {
	var h heldMemory
	fields := map[string]*int64{
		`cratos_memory_held_bytes{store="feed_snapshots"}`:  &h.FeedSnapshots,
		`cratos_memory_held_bytes{store="list_snapshots"}`:  &h.ListSnapshots,
		`cratos_memory_held_bytes{store="lists"}`:           &h.Lists,
		`cratos_memory_held_bytes{store="last_good_lists"}`: &h.LastGood,
		`go_memstats_heap_alloc_bytes`:                      &h.Heap,
	}
	for line := range strings.Lines(text) {
		name, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		field := fields[name]
		if !ok || field == nil {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil || !(v >= 0 && v <= 1<<62) { // NaN too
			return heldMemory{}, fmt.Errorf("metrics: %s: value %q", name, value)
		}
		*field = int64(v)
	}
	return h, nil
}

// String gives the stores' holdings and the heap, for a report.
func (h heldMemory) String() string {
	if h == (heldMemory{}) {
		return "—"
	}
	return fmt.Sprintf("feed snapshots %s, list snapshots %s, lists %s, last good lists %s, in a Go heap of %s",
		fmtBytes(h.FeedSnapshots), fmtBytes(h.ListSnapshots), fmtBytes(h.Lists), fmtBytes(h.LastGood), fmtBytes(h.Heap))
}
