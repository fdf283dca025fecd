package feedsnap_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// MISP's clock set back (an NTP correction) by more than the margin after
// a read started stamps its writes before the next window's start: a
// refresh that finds MISP's clock (the Date of its answers) before that
// start reads the feed in full, and so holds what MISP wrote since, as a
// full read does.
func TestRefreshAfterMISPsClockWasSetBack(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		feed string
		want []string
	}{
		{"incident", []string{"domain bad.example true", "ip-dst 192.0.2.1 true", "ip-dst 203.0.113.9 true"}},
		{"block", []string{"domain bad.example true", "ip-dst 192.0.2.1 true", "ip-dst 203.0.113.9 true"}},
	} {
		t.Run(tt.feed, func(t *testing.T) {
			q := feedQueries[tt.feed]
			w, snap := afterMISPsClockSetBack(t, q, tagIncident, tagBlock)
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

// A refresh that finds MISP's clock set back before its window and whose
// full read then fails goes on in its place, holding what the window
// shows (the write stamped before it waits for the next full read), and
// says why it tried and how that ended; not allowed a full read, it asks
// for none.
func TestRefreshWithClockSetBackFullReadFailing(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["block"]
	old := []string{"domain bad.example true", "ip-dst 192.0.2.1 true"}
	for _, tt := range []struct {
		name        string
		allowed     bool
		fullFails   bool
		want        []string
		fullAsked   int
		done, ended bool // fr.Done, fr.Err set
	}{
		{"full read failing", true, true, old, 1, false, true},
		{"full read not allowed", false, false, old, 0, false, false},
		{"full read answered", true, false, append(slices.Clone(old), "ip-dst 203.0.113.9 true"), 1, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, snap := afterMISPsClockSetBack(t, q, tagBlock)
			src, fullAsked := w.src, 0
			src.Search = func(ctx context.Context, q misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
				if q.Timestamp == 0 && len(q.UUIDs) == 0 {
					if fullAsked++; tt.fullFails {
						return 0, &misp.Error{Kind: misp.HTTPStatus, Site: "s", Status: 504}
					}
				}
				return w.src.Search(ctx, q, newSink)
			}
			refreshed, _, fr, err := feedsnap.RefreshWith(ctx, src, q, snap, w.now().Add(20*time.Minute), feedsnap.DefaultMargin, tt.allowed)
			if err != nil {
				t.Fatal(err)
			}
			if have := shortly(refreshed); !slices.Equal(have, tt.want) || fullAsked != tt.fullAsked ||
				fr.Reason != feedsnap.ClockSetBack || fr.Done != tt.done || (fr.Err != nil) != tt.ended {
				t.Errorf("holds %q after %d full searches, %+v; want %q after %d", have, fullAsked, fr, tt.want, tt.fullAsked)
			}
		})
	}
}

// afterMISPsClockSetBack reads the feed of q in full an hour after the
// block event was added, then sets MISP's clock back 20 minutes, adds an
// event of ip-dst 203.0.113.9 tagged tags and lets a minute pass; it
// returns the world and the snapshot of the full read.
func afterMISPsClockSetBack(t *testing.T, q misp.Query, tags ...string) (*world, *feedsnap.Snapshot) {
	t.Helper()
	w := newWorld(t, 1)
	addBlockEvent(t, w)
	w.clock.Add(3600)
	snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Add(-20 * 60) // set back 20 minutes
	var tagList []map[string]string
	for _, tag := range tags {
		tagList = append(tagList, map[string]string{"name": tag})
	}
	w.post("/events/add", map[string]any{"info": "new", "published": true, "Tag": tagList,
		"Attribute": []map[string]any{{"type": "ip-dst", "value": "203.0.113.9", "to_ids": true, "category": "Network activity"}}})
	w.clock.Add(60)
	return w, snap
}
