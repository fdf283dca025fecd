package feedsnap_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/feedsnap"
)

// The uuids of the two attributes of the partner's event.
const (
	partnerIP     = "5f0c1a2b-0000-4000-8000-0000000000a1"
	partnerDomain = "5f0c1a2b-0000-4000-8000-0000000000a2"
)

// An event of organisation 2 read with the key of organisation 1: what
// narrows its distribution or an attribute's so that organisation 1 no
// longer sees it moves the event timestamp (an attribute edit stamps the
// attribute and its event with one now, the attribute then hidden from
// the key's restSearch), or hides the whole event from the event index of
// the events held. Either way the next refresh takes it off the lists, as
// a full read does, in a feed of unpublished events and a published-only
// one (the event published again after the edit); widening it puts it
// back.
func TestRefreshDropsWhatADistributionNarrowedHides(t *testing.T) {
	ctx := context.Background()
	both := []string{"2 domain bad.example true", "2 ip-dst 192.0.2.1 true"}
	domainOnly := []string{"2 domain bad.example true"}
	attr := func(uuid string, fields map[string]any) [2]any {
		return [2]any{"/attributes/edit/" + uuid, fields}
	}
	tests := []struct {
		name   string
		writes [][2]any // path and body, each followed by a refresh
		want   [][]string
	}{
		{"attribute to organisation only", [][2]any{attr(partnerIP, map[string]any{"distribution": "0"})}, [][]string{domainOnly}},
		{"attribute to a sharing group without organisation 1", [][2]any{
			attr(partnerIP, map[string]any{"distribution": "4", "sharing_group_id": "8"})}, [][]string{domainOnly}},
		{"attribute to a sharing group with organisation 1", [][2]any{
			attr(partnerIP, map[string]any{"distribution": "4", "sharing_group_id": "7"})}, [][]string{both}},
		{"attribute narrowed with a timestamp older than the window", [][2]any{
			attr(partnerIP, map[string]any{"distribution": "0", "timestamp": partnerAdded + 1})}, [][]string{domainOnly}},
		{"attribute narrowed in an event edit", [][2]any{{"/events/edit/2", map[string]any{"published": false,
			"Attribute": []map[string]any{{"uuid": partnerIP, "distribution": "0"}}}}}, [][]string{domainOnly}},
		{"event to organisation only", [][2]any{{"/events/edit/2", map[string]any{"distribution": "0"}}}, [][]string{nil}},
		{"event to a sharing group without organisation 1", [][2]any{
			{"/events/edit/2", map[string]any{"distribution": "4", "sharing_group_id": "8"}}}, [][]string{nil}},
		{"attribute narrowed, then widened again", [][2]any{
			attr(partnerIP, map[string]any{"distribution": "0"}), attr(partnerIP, map[string]any{"distribution": "5"})},
			[][]string{domainOnly, both}},
		{"event narrowed, then widened again", [][2]any{
			{"/events/edit/2", map[string]any{"distribution": "0"}}, {"/events/edit/2", map[string]any{"distribution": "3"}}},
			[][]string{nil, both}},
	}
	for _, feed := range []string{"incident", "block"} {
		for _, tt := range tests {
			t.Run(feed+"/"+tt.name, func(t *testing.T) {
				w, snap := partnerWorld(t, feed)
				for i, wr := range tt.writes {
					w.clock.Add(3600) // every earlier write falls before the next window
					postAs(t, w, keyOfPartner, wr[0].(string), wr[1])
					postAs(t, w, keyOfPartner, "/events/publish/2", nil)
					w.clock.Add(60)
					var err error
					if snap, _, err = feedsnap.Refresh(ctx, w.src, feedQueries[feed], snap, w.now(), feedsnap.DefaultMargin); err != nil {
						t.Fatal(err)
					}
					full, _, err := feedsnap.Full(ctx, w.src, feedQueries[feed], w.now())
					if err != nil {
						t.Fatal(err)
					}
					if got, fromFull := heldBy(snap), heldBy(full); !slices.Equal(got, tt.want[i]) || !slices.Equal(fromFull, tt.want[i]) {
						t.Errorf("write %d: refresh holds %q, a full read %q; want %q", i+1, got, fromFull, tt.want[i])
					}
				}
			})
		}
	}
}

// partnerAdded is when partnerWorld's event is added.
const partnerAdded = 1788264000 // 2026-09-01 12:00:00 UTC, the world's start

// partnerWorld is a world with sharing group 7 of organisations 1 and 2,
// a published event 2 of organisation 2 in the incident and block feeds
// with two attributes, and a full read of feed an hour later with the key
// of organisation 1.
func partnerWorld(t *testing.T, feed string) (*world, *feedsnap.Snapshot) {
	t.Helper()
	w := newWorldWith(t, 1, mispsim.Options{SharingGroups: map[int64][]int64{7: {1, 2}},
		Users: []mispsim.User{{Key: keyOfPartner, ID: 2, OrgID: 2, Email: "partner@example.net"}}})
	if w.now().Unix() != partnerAdded {
		t.Fatalf("the world starts at %d, not %d", w.now().Unix(), partnerAdded)
	}
	postAs(t, w, keyOfPartner, "/events/add", map[string]any{"info": "partner", "published": true,
		"Tag": []map[string]string{{"name": tagIncident}, {"name": tagBlock}},
		"Attribute": []map[string]any{
			{"uuid": partnerIP, "type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity"},
			{"uuid": partnerDomain, "type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity"},
		}})
	w.clock.Add(3600)
	snap, _, err := feedsnap.Full(context.Background(), w.src, feedQueries[feed], w.now())
	if err != nil {
		t.Fatal(err)
	}
	if got := heldBy(snap); len(got) != 2 {
		t.Fatalf("the first full read holds %q", got)
	}
	return w, snap
}

// What only a full read catches: an attribute narrowed in the second
// another attribute of its event is written leaves the event timestamp
// equal to that attribute's, which the refresh reads, so nothing shows
// the hidden one; the next full read drops it.
func TestRefreshLeavesANarrowingInTheSecondOfAnotherWriteToTheFullRead(t *testing.T) {
	ctx := context.Background()
	for _, feed := range []string{"incident", "block"} {
		t.Run(feed, func(t *testing.T) {
			w, snap := partnerWorld(t, feed)
			w.clock.Add(3600)
			postAs(t, w, keyOfPartner, "/attributes/edit/"+partnerIP, map[string]any{"distribution": "0"})
			postAs(t, w, keyOfPartner, "/attributes/edit/"+partnerDomain, map[string]any{"comment": "seen again"})
			postAs(t, w, keyOfPartner, "/events/publish/2", nil)
			w.clock.Add(60)
			snap, _, err := feedsnap.Refresh(ctx, w.src, feedQueries[feed], snap, w.now(), feedsnap.DefaultMargin)
			if err != nil {
				t.Fatal(err)
			}
			full, _, err := feedsnap.Full(ctx, w.src, feedQueries[feed], w.now())
			if err != nil {
				t.Fatal(err)
			}
			want, wantFull := []string{"2 domain bad.example true", "2 ip-dst 192.0.2.1 true"}, []string{"2 domain bad.example true"}
			if got, fromFull := heldBy(snap), heldBy(full); !slices.Equal(got, want) || !slices.Equal(fromFull, wantFull) {
				t.Errorf("refresh holds %q, a full read %q; want %q and %q", got, fromFull, want, wantFull)
			}
		})
	}
}
