package feedsnap_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
)

// MISP keeps the timestamps a synchronisation brings (the origin's, older
// than the window), but publishes the event again on arrival, which moves
// its publish_timestamp: a refresh of any feed, published-only ones
// included, reads such an event whole and so sees what the origin changed.
func TestRefreshSeesAHeldEventSynchronisedWithOldTimestamps(t *testing.T) {
	attrs := []map[string]any{
		{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity"},
		{"type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity"},
	}
	tests := []struct {
		name string
		// entry is the synchronised Attribute entry for the event's
		// second attribute, given its uuid and timestamp.
		entry func(uuid string, ts int64) map[string]any
		want  []string
	}{
		{"soft-deleted at the origin", func(uuid string, ts int64) map[string]any {
			return map[string]any{"uuid": uuid, "timestamp": ts, "deleted": true}
		}, []string{"2 ip-dst 192.0.2.1 true"}},
		{"to_ids cleared at the origin", func(uuid string, ts int64) map[string]any {
			return map[string]any{"uuid": uuid, "timestamp": ts, "to_ids": false}
		}, []string{"2 domain bad.example false", "2 ip-dst 192.0.2.1 true"}},
		{"value edited at the origin", func(uuid string, ts int64) map[string]any {
			return map[string]any{"uuid": uuid, "timestamp": ts, "value": "evil.example"}
		}, []string{"2 domain evil.example true", "2 ip-dst 192.0.2.1 true"}},
	}
	for _, feed := range []string{"block", "42", "incident"} {
		q := feedQueries[feed]
		for _, tc := range tests {
			t.Run(feed+"/"+tc.name, func(t *testing.T) {
				w := newWorld(t, 1)
				id, added := feedEvent(t, w, attrs)
				edited := w.eventTimestamp(id) + 1 // when the origin edited it
				w.clock.Add(3600)
				snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
				if err != nil {
					t.Fatal(err)
				}
				w.clock.Add(3600) // the synchronisation arrives an hour after the origin's edit
				w.post("/events/edit/2", map[string]any{"timestamp": edited, "published": true,
					"Attribute": []map[string]any{tc.entry(added[1]["uuid"].(string), edited)}})
				w.clock.Add(60)
				refreshed, full := refreshAndRead(t, w, q, snap)
				if got, fromFull := heldBy(refreshed), heldBy(full); !slices.Equal(got, tc.want) || !slices.Equal(fromFull, tc.want) {
					t.Errorf("refreshed holds %q, a full read %q; want %q\n%s", got, fromFull, tc.want, strings.Join(w.log, "\n"))
				}
			})
		}
	}
}
