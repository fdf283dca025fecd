package feedsnap_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
)

// A bulk /attributes/add on a MISP that takes a second per attribute
// stamps the event seconds after the attributes, as MISP does (each
// attribute at its save, the event at unpublishEvent after them all).
// The refresh after it reads what the add wrote, by uuid, and not the
// whole event; it ends holding what a full read holds.
func TestRefreshAfterABulkAddReadsOnlyTheAdded(t *testing.T) {
	const heldN, addedN = 40, 10
	attrs := func(format string, n int) []map[string]any {
		var out []map[string]any
		for i := range n {
			out = append(out, map[string]any{"type": "ip-dst", "value": fmt.Sprintf(format, i+1), "to_ids": true, "category": "Network activity"})
		}
		return out
	}
	for _, feed := range []string{"incident", "block"} {
		t.Run(feed, func(t *testing.T) {
			w := newWorld(t, 1)
			q := feedQueries[feed]
			id, _ := feedEvent(t, w, attrs("192.0.2.%d", heldN))
			w.clock.Add(3600)
			snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			w.clock.Add(3600)
			addStart := w.clock.Load()
			w.ticking.Store(true)
			w.post(fmt.Sprintf("/attributes/add/%d", id), attrs("203.0.113.%d", addedN))
			w.ticking.Store(false)
			if ts := w.eventTimestamp(id); ts < addStart+addedN {
				t.Fatalf("event stamped %d, %d s after the add began: want it after its %d attributes", ts, ts-addStart, addedN)
			}
			if feed == "block" {
				w.post(fmt.Sprintf("/events/publish/%d", id), nil)
			}
			w.clock.Add(60)
			refreshed, cost, err := feedsnap.Refresh(context.Background(), w.src, q, snap, w.now(), feedsnap.DefaultMargin)
			if err != nil {
				t.Fatal(err)
			}
			// The attributes written since the window, then the feed's
			// search over their uuids: each returns the add's.
			if cost.Searches != 2 || cost.Attributes != 2*addedN {
				t.Errorf("refresh made %d searches reading %d attributes, want 2 reading %d (the whole event is %d)",
					cost.Searches, cost.Attributes, 2*addedN, heldN+addedN)
			}
			full, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := heldBy(refreshed), heldBy(full); len(got) != heldN+addedN || !slices.Equal(got, want) {
				t.Errorf("refreshed holds %d attributes, a full read %d:\n%q\nwant\n%q", len(got), len(want), got, want)
			}
		})
	}
}
