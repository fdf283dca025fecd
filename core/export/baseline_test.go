package export

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// The circuit breaker compares a rebuilt list with the last good one kept
// on disk when that is no longer in memory: a last good list pushed out
// of memory by others' is still the baseline, as is the one a new process
// over the same state directory has not read yet. An empty answer from
// MISP is held in both cases, and the file keeps the good list.
func TestBreakerBaselineFromDisk(t *testing.T) {
	for _, tc := range []struct {
		name string
		// staleBytes bounds the last good lists in memory.
		staleBytes int64
		// rebuilder builds other lists after the first and returns the
		// service that rebuilds it.
		rebuilder func(t *testing.T, first *Service, newService func() *Service, other Request) *Service
	}{
		{"pushed out of memory", 1, func(t *testing.T, first *Service, _ func() *Service, other Request) *Service {
			if res, err := first.Get(t.Context(), other); err != nil || res.Status != Miss {
				t.Fatalf("other list: %v %v", res.Status, err)
			}
			return first
		}},
		{"new process", 0, func(t *testing.T, _ *Service, newService func() *Service, _ Request) *Service {
			return newService()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newShrinkingMISP(t)
			dir := t.TempDir()
			clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
			newService := func() *Service {
				st, err := state.Open(dir, slog.New(slog.DiscardHandler))
				if err != nil {
					t.Fatal(err)
				}
				opts := inMemory(Options{State: st, StaleBytes: tc.staleBytes, Now: clock.Now, Logger: slog.New(slog.DiscardHandler)}, "baseline test")
				return New(opts)
			}
			req := anyFeedRequest(m.url, "ipv4", "10y", "txt", 100*time.Second)
			other := anyFeedRequest(m.url, "ipv4", "10y", "csv", 100*time.Second)
			first := newService()
			good, err := first.Get(t.Context(), req)
			if err != nil || good.Status != Miss || good.Entries < 100 {
				t.Fatalf("first build: %v %v, %d entries", good.Status, err, good.Entries)
			}
			first.WaitDurable()
			svc := tc.rebuilder(t, first, newService, other)

			m.keep.Store(0)               // every answer empty (a tag removed by mistake)
			clock.advance(48 * time.Hour) // past the list's lifetime and staleness
			res, err := svc.Get(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Held == nil || res.Status != Miss || res.Entries != good.Entries || !bytes.Equal(res.Body, good.Body) || res.ETag != good.ETag {
				t.Fatalf("empty rebuild: status %s, held %v, %d entries (want %d), ETag %s (want %s)",
					res.Status, res.Held, res.Entries, good.Entries, res.ETag, good.ETag)
			}
			svc.WaitDurable()

			// The file still holds the good list: a new process serves it.
			later := newService()
			if a, ok := later.lastGood(later.listKeys(req).artifact); !ok || a.Entries != good.Entries || a.ETag != good.ETag {
				t.Fatalf("last good list on disk: %v, want %d entries, ETag %s", ok, good.Entries, good.ETag)
			}
		})
	}
}
