package feedsnap_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
)

// A local event tag moves no timestamp and keeps the event published
// (MISP's EventsController::addTag and removeTag), yet the feed's tags
// filter matches it: a held event given the false-positive tag, or losing
// the feed tag, that way leaves the feed at the next refresh.
func TestRefreshSeesLocalTagsOfHeldEvents(t *testing.T) {
	tests := []struct {
		name   string
		before func(w *world) // before the full read
		after  func(w *world)
	}{
		{"the false-positive tag added locally", nil, func(w *world) {
			w.post("/events/addTag/local:1", map[string]any{"event": 2, "tag": tagFP})
		}},
		{"the feed tags, attached locally, removed", func(w *world) {
			w.post("/events/removeTag", map[string]any{"event": 2, "tag": tagIncident})
			w.post("/events/addTag/local:1", map[string]any{"event": 2, "tag": tagBlock})
			w.post("/events/addTag/local:1", map[string]any{"event": 2, "tag": tagIncident})
		}, func(w *world) {
			w.post("/events/removeTag", map[string]any{"event": 2, "tag": tagBlock})
			w.post("/events/removeTag", map[string]any{"event": 2, "tag": tagIncident})
		}},
	}
	for _, tc := range tests {
		for _, feed := range []string{"block", "incident", "42"} {
			t.Run(tc.name+"/"+feed, func(t *testing.T) {
				w := newWorld(t, 1)
				addTaggedEvent(t, w)
				if tc.before == nil {
					w.post("/events/addTag", map[string]any{"event": 2, "tag": tagBlock})
				} else {
					tc.before(w)
				}
				w.post("/events/publish/2", nil)
				w.clock.Add(3600)
				q := feedQueries[feed]
				snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
				if err != nil {
					t.Fatal(err)
				}
				if snap.Attributes != 2 {
					t.Fatalf("full read holds %d attributes, want 2", snap.Attributes)
				}
				w.clock.Add(60)
				tc.after(w)
				w.clock.Add(60)
				refreshed, full := refreshAndRead(t, w, q, snap)
				if d := feedsnap.Diff(refreshed, full); d.Total() != 0 {
					t.Errorf("refreshed holds %v, a full read %v: %+v\n%s", shortly(refreshed), shortly(full), d, strings.Join(w.log, "\n"))
				}
			})
		}
	}
}
