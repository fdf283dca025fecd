package feedsnap_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// feedEvent adds a published event carrying both feed tags and the
// attributes given, and returns its id and its attributes as MISP
// answered them.
func feedEvent(t *testing.T, w *world, attrs []map[string]any) (int64, []map[string]any) {
	t.Helper()
	out := w.post("/events/add", map[string]any{"info": "e", "published": true,
		"Tag": []map[string]string{{"name": tagIncident}, {"name": tagBlock}}, "Attribute": attrs})
	ev, _ := out["Event"].(map[string]any)
	list, _ := ev["Attribute"].([]any)
	if len(list) != len(attrs) {
		t.Fatalf("event not added: %v", out)
	}
	var got []map[string]any
	for _, a := range list {
		got = append(got, a.(map[string]any))
	}
	return idOf(ev["id"]), got
}

// heldBy lists each attribute of s as its event id, type, value and
// to_ids flag, sorted.
func heldBy(s *feedsnap.Snapshot) []string {
	var out []string
	s.Each(func(a indicator.Attribute) {
		out = append(out, fmt.Sprintf("%d %s %s %v", a.EventID, a.Type, a.Value, a.ToIDS))
	})
	slices.Sort(out)
	return out
}

// An event deleted in MISP leaves the feed at the next refresh, for a
// feed of unpublished events too and for a published-only one: the
// refreshed snapshot is exactly what a full read gives.
func TestRefreshDropsDeletedEvents(t *testing.T) {
	attrsA := []map[string]any{
		{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity"},
		{"type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity"},
	}
	attrsB := []map[string]any{
		{"type": "url", "value": "http://evil.example/a", "to_ids": true, "category": "Network activity"},
		{"type": "ip-dst", "value": "203.0.113.9", "to_ids": true, "category": "Network activity"},
	}
	// Events 2 (A) and 3 (B); event 1 holds the tags.
	const a, b = 2, 3
	heldB := []string{"3 ip-dst 203.0.113.9 true", "3 url http://evil.example/a true"}
	tests := []struct {
		name  string
		write func(t *testing.T, w *world, attrsOfA, attrsOfB []map[string]any)
		want  []string
		// wantPublished, when set, is what published-only feeds hold.
		wantPublished []string
	}{
		{"deleted alone", func(t *testing.T, w *world, _, _ []map[string]any) {
			w.post(fmt.Sprintf("/events/delete/%d", a), nil)
		}, heldB, nil},
		{"deleted by uuid", func(t *testing.T, w *world, _, _ []map[string]any) {
			w.post("/events/delete/"+viewUUID(t, w, a), nil)
		}, heldB, nil},
		{"deleted with an edit of another event", func(t *testing.T, w *world, _, attrsOfB []map[string]any) {
			w.post(fmt.Sprintf("/attributes/edit/%d", idOf(attrsOfB[1]["id"])), map[string]any{"value": "203.0.113.10"})
			w.post(fmt.Sprintf("/events/delete/%d", a), nil)
			w.post(fmt.Sprintf("/events/publish/%d", b), nil)
		}, []string{"3 ip-dst 203.0.113.10 true", "3 url http://evil.example/a true"}, nil},
		{"deleted with another event unpublished", func(t *testing.T, w *world, _, _ []map[string]any) {
			w.post(fmt.Sprintf("/events/unpublish/%d", b), nil)
			w.post(fmt.Sprintf("/events/delete/%d", a), nil)
		}, heldB, []string{}},
		{"deleted and a new event added with the same attributes", func(t *testing.T, w *world, _, _ []map[string]any) {
			w.post(fmt.Sprintf("/events/delete/%d", a), nil)
			if id, _ := feedEvent(t, w, attrsA); id != 4 {
				t.Fatalf("new event %d, want 4", id)
			}
		}, append(slices.Clone(heldB), "4 domain bad.example true", "4 ip-dst 192.0.2.1 true"), nil},
		{"deleted and a new event added with the same attributes, uuids included", func(t *testing.T, w *world, attrsOfA, _ []map[string]any) {
			w.post(fmt.Sprintf("/events/delete/%d", a), nil)
			again := slices.Clone(attrsA)
			for i := range again {
				again[i] = map[string]any{"uuid": attrsOfA[i]["uuid"], "type": attrsA[i]["type"], "value": attrsA[i]["value"],
					"to_ids": true, "category": "Network activity"}
			}
			feedEvent(t, w, again)
		}, append(slices.Clone(heldB), "4 domain bad.example true", "4 ip-dst 192.0.2.1 true"), nil},
		{"deleted, the database restarted, its id given to a new event", func(t *testing.T, w *world, _, _ []map[string]any) {
			w.post(fmt.Sprintf("/events/delete/%d", b), nil)
			w.sim.RestartDatabase()
			if id, _ := feedEvent(t, w, []map[string]any{{"type": "ip-dst", "value": "198.51.100.77", "to_ids": true, "category": "Network activity"}}); id != b {
				t.Fatalf("new event %d, want %d", id, b)
			}
		}, []string{"2 domain bad.example true", "2 ip-dst 192.0.2.1 true", "3 ip-dst 198.51.100.77 true"}, nil},
	}
	for _, feed := range []string{"incident", "block"} {
		q := feedQueries[feed]
		for _, tc := range tests {
			t.Run(feed+"/"+tc.name, func(t *testing.T) {
				w := newWorld(t, 1)
				id, attrsOfA := feedEvent(t, w, attrsA)
				if id != a {
					t.Fatalf("event A is %d, want %d", id, a)
				}
				_, attrsOfB := feedEvent(t, w, attrsB)
				w.clock.Add(3600)
				snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
				if err != nil {
					t.Fatal(err)
				}
				wantBefore := append([]string{"2 domain bad.example true", "2 ip-dst 192.0.2.1 true"}, heldB...)
				if got := heldBy(snap); !slices.Equal(got, wantBefore) {
					t.Fatalf("full read holds %q, want %q", got, wantBefore)
				}
				w.clock.Add(60)
				tc.write(t, w, attrsOfA, attrsOfB)
				refreshed, full := refreshAndRead(t, w, q, snap)
				want := tc.want
				if q.Published && tc.wantPublished != nil {
					want = tc.wantPublished
				}
				if got, fromFull := heldBy(refreshed), heldBy(full); !slices.Equal(got, want) || !slices.Equal(fromFull, want) {
					t.Errorf("refreshed holds %q, a full read %q; want %q\n%s", got, fromFull, want, strings.Join(w.log, "\n"))
				}
				if d := feedsnap.Diff(refreshed, full); d.Total() != 0 {
					t.Errorf("refreshed differs from a full read by %+v", d)
				}
			})
		}
	}
}

// viewUUID reads an event's uuid from /events/view.
func viewUUID(t *testing.T, w *world, id int64) string {
	t.Helper()
	var doc struct{ Event struct{ UUID string } }
	rec := w.call("GET", fmt.Sprintf("/events/view/%d", id), nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.Event.UUID == "" {
		t.Fatalf("view %d: %v %s", id, err, rec.Body.String())
	}
	return doc.Event.UUID
}

// The request over the events held fails the refresh when it fails, for
// every feed.
func TestRefreshFailsWhenTheHeldEventsCannotBeRead(t *testing.T) {
	for _, feed := range []string{"incident", "block"} {
		q := feedQueries[feed]
		w := newWorld(t, 1)
		feedEvent(t, w, []map[string]any{{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity"}})
		snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
		if err != nil || snap.Attributes != 1 {
			t.Fatalf("%s: full read holds %d attributes, error %v", feed, snap.Attributes, err)
		}
		w.clock.Add(60)
		failure := &misp.Error{Kind: misp.BadResponse, Site: "s", Detail: "events index: not a list of events"}
		src := w.src
		src.Events = func(ctx context.Context, f misp.EventFilter) ([]misp.EventState, error) {
			if len(f.EventIDs) > 0 { // the request over the events held is the first to name events
				return nil, failure
			}
			return w.src.Events(ctx, f)
		}
		if _, _, err := feedsnap.Refresh(context.Background(), src, q, snap, w.now(), feedsnap.DefaultMargin); !errors.Is(err, failure) {
			t.Errorf("%s: refresh error %v, want %v", feed, err, failure)
		}
	}
}
