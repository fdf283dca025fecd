package feedsnap_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/misp"
)

// A tag renamed moves no timestamp: a refresh reads the feed in full when
// the tags its filter names stand for changed since the snapshot was read,
// a snapshot copied through its wire form (as replicas share it) knowing
// them too, and refreshes as before when they did not. While the tag
// search fails, what the snapshot was read under is kept, and the first
// answer after a rename still reads in full.
func TestRefreshReadsInFullAfterATagRename(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["block"]
	refreshOnly := feedsnap.Cost{Searches: 1, EventReads: 2, TagReads: 1}
	tests := []struct {
		name      string
		tagsFail  bool // the tag search fails until the rename
		fullCost  feedsnap.Cost
		noneCost  feedsnap.Cost // a refresh with nothing changed
		afterCost feedsnap.Cost // the refresh after the rename
	}{
		{"copied through the wire form", false, feedsnap.Cost{Searches: 1, Attributes: 1, EventReads: 1, TagReads: 1},
			refreshOnly, feedsnap.Cost{Searches: 1, Attributes: 2, EventReads: 1, TagReads: 1}},
		{"the tag search failing", true, feedsnap.Cost{Searches: 1, Attributes: 1, EventReads: 1, TagReads: 1},
			refreshOnly, feedsnap.Cost{Searches: 1, Attributes: 2, EventReads: 1, TagReads: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, 1)
			attrs := addBlockEvent(t, w)
			w.post("/attributes/addTag", map[string]any{"attribute": attrs[0], "tag": tagFP})
			w.post("/events/publish/2", nil)
			w.clock.Add(3600)
			src := w.src
			failing := tc.tagsFail
			src.Tags = func(ctx context.Context, names []string) ([]misp.Tag, error) {
				if failing {
					return nil, errors.New("tags search: refused")
				}
				return w.src.Tags(ctx, names)
			}
			snap, c, err := feedsnap.Full(ctx, src, q, w.now())
			if err != nil || snap.Attributes != 1 || c != tc.fullCost {
				t.Fatalf("full read: %d attributes, cost %+v, error %v; want 1 and %+v", snap.Attributes, c, err, tc.fullCost)
			}
			snap = roundTrip(t, nil, feedsnap.Changes(nil, snap))
			w.clock.Add(60)
			snap, c, err = feedsnap.Refresh(ctx, src, q, snap, w.now(), feedsnap.DefaultMargin)
			if err != nil || snap.Attributes != 1 || c != tc.noneCost {
				t.Fatalf("refresh with nothing changed: %d attributes, cost %+v, error %v; want 1 and %+v", snap.Attributes, c, err, tc.noneCost)
			}
			w.clock.Add(60)
			w.renameTag(tagFP, tagFP+"-reviewed")
			if tc.tagsFail {
				// A refresh while the search still fails sees nothing.
				if snap, _, err = feedsnap.Refresh(ctx, src, q, snap, w.now(), feedsnap.DefaultMargin); err != nil || snap.Attributes != 1 {
					t.Fatalf("refresh with the tag search failing: %d attributes, error %v", snap.Attributes, err)
				}
				failing = false
			}
			w.clock.Add(60)
			refreshed, c, err := feedsnap.Refresh(ctx, src, q, snap, w.now(), feedsnap.DefaultMargin)
			if err != nil || c != tc.afterCost {
				t.Fatalf("refresh after the rename: cost %+v, error %v; want %+v", c, err, tc.afterCost)
			}
			full, _, err := feedsnap.Full(ctx, src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			if d := feedsnap.Diff(refreshed, full); d.Total() != 0 || refreshed.Attributes != 2 {
				t.Errorf("refreshed holds %v (want 2 attributes), a full read %v: %+v\n%s", shortly(refreshed), shortly(full), d, strings.Join(w.log, "\n"))
			}
		})
	}
}

// renameTag renames the tag called from, if there is one, to to.
func (w *world) renameTag(from, to string) {
	var found []struct{ Tag struct{ ID, Name string } }
	_ = json.Unmarshal(w.call(http.MethodPost, "/tags/search/"+from, nil).Body.Bytes(), &found)
	for _, f := range found {
		if f.Tag.Name == from {
			w.post("/tags/edit/"+f.Tag.ID, map[string]any{"name": to})
		}
	}
}
