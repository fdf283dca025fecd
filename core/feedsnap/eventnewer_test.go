package feedsnap_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
)

// An event whose timestamp is newer than every attribute of it written
// since the window had a change no attribute shows (an attribute deleted
// for good, one added with an older timestamp of its own): a refresh
// reads it whole, as when no attribute of it was written, for a feed of
// unpublished events and a published-only one alike.
func TestRefreshReadsWholeAnEventNewerThanItsAttributesWritten(t *testing.T) {
	attrs := []map[string]any{
		{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity"},
		{"type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity"},
	}
	tests := []struct {
		name string
		// later runs a second after the first attribute is edited.
		later func(w *world, added []map[string]any, old int64)
		want  []string
	}{
		{"another attribute deleted for good", func(w *world, added []map[string]any, _ int64) {
			w.post(fmt.Sprintf("/attributes/delete/%d/hard:1", idOf(added[1]["id"])), nil)
		}, []string{"2 ip-dst 192.0.2.2 true"}},
		{"an attribute added with an older timestamp", func(w *world, _ []map[string]any, old int64) {
			w.post("/attributes/add/2", map[string]any{"type": "url", "value": "http://bad.example/x", "to_ids": true,
				"category": "Network activity", "timestamp": old})
		}, []string{"2 domain bad.example true", "2 ip-dst 192.0.2.2 true", "2 url http://bad.example/x true"}},
	}
	for _, feed := range []string{"incident", "block"} {
		q := feedQueries[feed]
		for _, tc := range tests {
			t.Run(feed+"/"+tc.name, func(t *testing.T) {
				w := newWorld(t, 1)
				id, added := feedEvent(t, w, attrs)
				old := w.eventTimestamp(id) + 1
				w.clock.Add(3600)
				snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
				if err != nil {
					t.Fatal(err)
				}
				w.clock.Add(3600)
				w.post(fmt.Sprintf("/attributes/edit/%d", idOf(added[0]["id"])), map[string]any{"value": "192.0.2.2"})
				w.clock.Add(1)
				tc.later(w, added, old)
				w.post(fmt.Sprintf("/events/publish/%d", id), nil)
				w.clock.Add(60)
				refreshed, full := refreshAndRead(t, w, q, snap)
				if got, fromFull := heldBy(refreshed), heldBy(full); !slices.Equal(got, tc.want) || !slices.Equal(fromFull, tc.want) {
					t.Errorf("refreshed holds %q, a full read %q; want %q\n%s", got, fromFull, tc.want, strings.Join(w.log, "\n"))
				}
			})
		}
	}
}
