package feedsnap_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
)

// A refresh sees every write MISP stamped since the previous read however
// far Cratos' clock is from MISP's, and reads no more than those writes:
// its window is taken from MISP's clock (the Date of its answers), not
// from Cratos'.
func TestRefreshWithClocksApart(t *testing.T) {
	ctx := context.Background()
	for _, off := range []time.Duration{10 * time.Minute, 2 * time.Hour, -10 * time.Minute, -2 * time.Hour} {
		t.Run("incident, Cratos' clock "+off.String()+" off", func(t *testing.T) {
			q := feedQueries["incident"]
			w := newWorld(t, 1)
			attrs := addTaggedEvent(t, w)
			addTaggedEvent(t, w) // left as it is: no refresh reads it again
			w.clock.Add(3600)
			snap, _, err := feedsnap.Full(ctx, w.src, q, w.now().Add(off))
			if err != nil {
				t.Fatal(err)
			}
			w.clock.Add(60)
			w.post(fmt.Sprintf("/attributes/edit/%d", attrs[1]), map[string]any{"value": "evil.example"})
			w.post(fmt.Sprintf("/attributes/edit/%d", attrs[0]), map[string]any{"to_ids": false})
			w.clock.Add(60)
			refreshed, c, err := feedsnap.Refresh(ctx, w.src, q, snap, w.now().Add(off), feedsnap.DefaultMargin)
			if err != nil {
				t.Fatal(err)
			}
			full, _, err := feedsnap.Full(ctx, w.src, q, w.now().Add(off))
			if err != nil {
				t.Fatal(err)
			}
			if d := feedsnap.Diff(refreshed, full); d.Total() != 0 {
				t.Errorf("refreshed holds %q, a full read %q\n%s", shortly(refreshed), shortly(full), strings.Join(w.log, "\n"))
			}
			// Search 2 names the two attributes written, search 4 returns
			// them: nothing of the event left as it was.
			if c.Attributes != 4 {
				t.Errorf("refresh read %d attributes, want 4 (cost %+v)", c.Attributes, c)
			}
		})
	}
	for _, off := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
		t.Run("block, Cratos' clock "+off.String()+" off", func(t *testing.T) {
			q := feedQueries["block"]
			w := newWorld(t, 1)
			addBlockEvent(t, w)
			w.clock.Add(3600)
			snap, _, err := feedsnap.Full(ctx, w.src, q, w.now().Add(off))
			if err != nil {
				t.Fatal(err)
			}
			w.clock.Add(60)
			w.post("/events/add", map[string]any{"info": "new", "published": true, "Tag": []map[string]string{{"name": tagBlock}},
				"Attribute": []map[string]any{{"type": "ip-dst", "value": "203.0.113.9", "to_ids": true, "category": "Network activity"}}})
			w.clock.Add(60)
			refreshed, _, err := feedsnap.Refresh(ctx, w.src, q, snap, w.now().Add(off), feedsnap.DefaultMargin)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"domain bad.example true", "ip-dst 192.0.2.1 true", "ip-dst 203.0.113.9 true"}
			if have := shortly(refreshed); !slices.Equal(have, want) {
				t.Errorf("refreshed holds %q, want %q\n%s", have, want, strings.Join(w.log, "\n"))
			}
		})
	}
}
