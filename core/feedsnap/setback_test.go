package feedsnap_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
)

// MISP's clock set back (an NTP correction) by more than the margin after
// a read started stamps its writes before the next window's start: a
// refresh that finds MISP's clock (the Date of its answers) before that
// start reads the feed in full, and so holds what MISP wrote since, as a
// full read does.
func TestRefreshAfterMISPsClockWasSetBack(t *testing.T) {
	ctx := context.Background()
	newIP := map[string]any{"type": "ip-dst", "value": "203.0.113.9", "to_ids": true, "category": "Network activity"}
	for _, tt := range []struct {
		feed string
		want []string
	}{
		{"incident", []string{"domain bad.example true", "ip-dst 192.0.2.1 true", "ip-dst 203.0.113.9 true"}},
		{"block", []string{"domain bad.example true", "ip-dst 192.0.2.1 true", "ip-dst 203.0.113.9 true"}},
	} {
		t.Run(tt.feed, func(t *testing.T) {
			q := feedQueries[tt.feed]
			w := newWorld(t, 1)
			addBlockEvent(t, w)
			w.clock.Add(3600)
			snap, _, err := feedsnap.Full(ctx, w.src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			w.clock.Add(-20 * 60) // set back 20 minutes
			w.post("/events/add", map[string]any{"info": "new", "published": true,
				"Tag": []map[string]string{{"name": tagIncident}, {"name": tagBlock}}, "Attribute": []map[string]any{newIP}})
			w.clock.Add(60)
			// Cratos' clock went on: only MISP's was set back.
			started := w.now().Add(20 * time.Minute)
			refreshed, c, err := feedsnap.Refresh(ctx, w.src, q, snap, started, feedsnap.DefaultMargin)
			if err != nil {
				t.Fatal(err)
			}
			if have := shortly(refreshed); !slices.Equal(have, tt.want) {
				t.Errorf("refreshed holds %q, want %q\n%s", have, tt.want, strings.Join(w.log, "\n"))
			}
			if c.Attributes < 3 {
				t.Errorf("refresh read %d attributes, want a full read (cost %+v)", c.Attributes, c)
			}
		})
	}
}
