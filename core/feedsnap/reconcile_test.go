package feedsnap_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/misp"
)

// A write stamped before the refresh window (as synchronisation from
// another MISP keeps its timestamps) is not seen by a refresh; the full
// read finds it and Diff counts it.
func TestFullReadFindsBackdatedWrites(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	q := feedQueries["incident"]
	snap, _, err := feedsnap.Full(ctx, w.src, q, w.now())
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Add(3600)
	old := w.clock.Load() - 86400
	w.post("/events/add", map[string]any{"info": "synced", "timestamp": old, "Tag": []map[string]string{{"name": tagIncident}},
		"Attribute": []map[string]any{
			{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity", "timestamp": old},
			{"type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity", "timestamp": old},
		}})
	refreshed, full := refreshAndRead(t, w, q, snap)
	if got, want := feedsnap.Diff(refreshed, full), (feedsnap.Difference{Missing: 2}); got != want {
		t.Errorf("difference %+v, want %+v", got, want)
	}
	if refreshed.Attributes != 0 || full.Attributes != 2 {
		t.Errorf("refreshed holds %d, full read %d; want 0 and 2", refreshed.Attributes, full.Attributes)
	}
}

// Refreshing the same window again changes nothing, and a refresh costs
// the searches Refresh names.
func TestRefreshIsIdempotent(t *testing.T) {
	ctx := context.Background()
	for _, feed := range []string{"block", "incident"} {
		w, q, snap := readAfter(t, 2, feed)
		for range 20 {
			w.step()
		}
		once, c1, err := feedsnap.Refresh(ctx, w.src, q, snap, w.now(), feedsnap.DefaultMargin)
		if err != nil {
			t.Fatal(err)
		}
		twice, _, err := feedsnap.Refresh(ctx, w.src, q, once, once.Read, feedsnap.DefaultMargin)
		if err != nil {
			t.Fatal(err)
		}
		if d := feedsnap.Diff(twice, once); d.Total() != 0 {
			t.Errorf("%s: a second refresh changed %+v", feed, d)
		}
		// Refresh's requests, each once with fewer than 5,000 events
		// held: attributes written and the feed's search over them (only
		// when something changed); the event index, the events held
		// (when any are held: deleted ones and, for published-only
		// feeds, unpublished ones), and the index of the events
		// searched, after the search.
		reads := 2
		if c1.Searches == 2 {
			reads++
		}
		if c1.Searches < 1 || c1.Searches > 2 || c1.EventReads < 1 || c1.EventReads > reads {
			t.Errorf("%s: %d searches and %d event index reads, want 1 or 2 and 1 to %d", feed, c1.Searches, c1.EventReads, reads)
		}
	}
}

// An attribute edited with an explicit timestamp before the refresh
// window, in an event where another attribute was written inside it, is
// not seen by a refresh (its event is not read whole); the full read
// finds it and Diff counts it.
func TestFullReadFindsBackdatedAttributeEdits(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	q := feedQueries["incident"]
	out := w.post("/events/add", map[string]any{"info": "e", "Tag": []map[string]string{{"name": tagIncident}},
		"Attribute": []map[string]any{
			{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity", "timestamp": w.clock.Load() - 86400},
			{"type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity"},
		}})
	list := out["Event"].(map[string]any)["Attribute"].([]any)
	first, second := idOf(list[0].(map[string]any)["id"]), idOf(list[1].(map[string]any)["id"])
	w.clock.Add(3600)
	snap, _, err := feedsnap.Full(ctx, w.src, q, w.now())
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Add(3600)
	w.post(fmt.Sprintf("/attributes/edit/%d", first), map[string]any{"type": "comment", "value": "x", "timestamp": w.clock.Load() - 86000})
	w.post(fmt.Sprintf("/attributes/edit/%d", second), map[string]any{"to_ids": false})
	refreshed, full := refreshAndRead(t, w, q, snap)
	if got, want := feedsnap.Diff(refreshed, full), (feedsnap.Difference{Extra: 1}); got != want {
		t.Errorf("difference %+v, want %+v\n%s", got, want, strings.Join(w.log, "\n"))
	}
}

// refreshAndRead refreshes snap now and reads the feed in full.
func refreshAndRead(t *testing.T, w *world, q misp.Query, snap *feedsnap.Snapshot) (refreshed, full *feedsnap.Snapshot) {
	t.Helper()
	refreshed, _, err := feedsnap.Refresh(context.Background(), w.src, q, snap, w.now(), feedsnap.DefaultMargin)
	if err != nil {
		t.Fatal(err)
	}
	full, _, err = feedsnap.Full(context.Background(), w.src, q, w.now())
	if err != nil {
		t.Fatal(err)
	}
	return refreshed, full
}
