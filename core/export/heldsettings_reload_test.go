package export

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// A hold that serves the former list's content under a new never_block
// goes on serving it when the former list, pushed out of memory by other
// lists, is read back from disk, and the MISP answer it was made from is
// gone since (the feed read again): it is the same list, and the content
// made of it once stays what the hold serves, not the former list with
// the entries never_block now protects.
func TestHeldFormerContentOutlivesItsListReadFromDisk(t *testing.T) {
	m := newShrinkingMISP(t)
	clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	st, err := state.Open(t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	svc := New(inMemory(Options{State: st, StaleBytes: 1, Now: clock.Now, Logger: slog.New(slog.DiscardHandler)}, t.Name()))
	req := anyFeedRequest(m.url, "ipv4", "10y", "txt", 100*time.Second)
	good, err := svc.Get(t.Context(), req)
	if err != nil || good.Entries < 200 {
		t.Fatalf("first build: %v, %d entries", err, good.Entries)
	}
	svc.WaitDurable()

	values := listValues(good.Body)
	protected, kept := values[:20], values[20:]
	site := *req.Site
	site.Guard.NeverBlock.CIDRs = protected
	req.Site = &site
	m.keep.Store(30)
	clock.advance(48 * time.Hour)
	first, err := svc.Get(t.Context(), req)
	if err != nil || first.Held == nil || !slices.Equal(listValues(first.Body), kept) {
		t.Fatalf("build after the reload: %v, held %v; want the former content under the new never_block", err, first.Held)
	}

	// Past the list's lifetime another list of the feed reads it again
	// (the former answer is dropped) and, built for the first time, is
	// the last good list kept in memory.
	clock.advance(200 * time.Second)
	other := req
	other.Output = "csv"
	if res, err := svc.Get(t.Context(), other); err != nil || res.Held != nil {
		t.Fatalf("other list: %v, held %v", err, res.Held)
	}
	res, err := svc.Get(t.Context(), req)
	svc.WaitDurable()
	if err != nil || res.Held == nil {
		t.Fatalf("build while held: %v, held %v", err, res.Held)
	}
	if res.Held.FormerSettings || res.ETag != first.ETag {
		t.Fatalf("build while held: ETag %s (former_settings %v), %d values; want the list first served, %s, %d values",
			res.ETag, res.Held.FormerSettings, len(listValues(res.Body)), first.ETag, len(kept))
	}
}
