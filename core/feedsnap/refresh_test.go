package feedsnap_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// addTaggedEvent adds an event with the incident tag and two attributes
// of the feed's types, and returns the attribute ids.
func addTaggedEvent(t *testing.T, w *world) []int64 {
	t.Helper()
	out := w.post("/events/add", map[string]any{"info": "e", "Tag": []map[string]string{{"name": tagIncident}},
		"Attribute": []map[string]any{
			{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity"},
			{"type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity"},
		}})
	ev, _ := out["Event"].(map[string]any)
	list, _ := ev["Attribute"].([]any)
	if len(list) != 2 {
		t.Fatalf("event not added: %v", out)
	}
	return []int64{idOf(list[0].(map[string]any)["id"]), idOf(list[1].(map[string]any)["id"])}
}

// addBlockEvent adds the event of addTaggedEvent with the block tag too,
// published, and returns its attribute ids.
func addBlockEvent(t *testing.T, w *world) []int64 {
	t.Helper()
	attrs := addTaggedEvent(t, w)
	w.post("/events/addTag", map[string]any{"event": 2, "tag": tagBlock})
	w.post("/events/publish/2", nil)
	return attrs
}

func TestRefreshSeesWhatOnlyTheEventShows(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["incident"]
	tests := []struct {
		name string
		// during, when set, runs between the full read's attribute search
		// and its event index request.
		during func(w *world)
		after  func(w *world, attrs []int64)
		held   int
	}{
		{"a tag change between the full read's two requests", func(w *world) {
			w.post("/events/addTag", map[string]any{"event": 2, "tag": tagFP})
		}, func(w *world, attrs []int64) {
			w.post(fmt.Sprintf("/attributes/edit/%d", attrs[1]), map[string]any{"to_ids": false})
		}, 0},
		{"an attribute deleted for good", nil, func(w *world, attrs []int64) {
			w.post(fmt.Sprintf("/attributes/delete/%d/hard:1", attrs[0]), nil)
		}, 1},
		{"the feed tag removed", nil, func(w *world, _ []int64) {
			w.post("/events/removeTag", map[string]any{"event": 2, "tag": tagIncident})
		}, 0},
		{"the false-positive tag added in the second an attribute is edited", nil, func(w *world, attrs []int64) {
			w.post(fmt.Sprintf("/attributes/edit/%d", attrs[1]), map[string]any{"to_ids": false})
			w.post("/events/addTag", map[string]any{"event": 2, "tag": tagFP})
		}, 0},
		{"the feed tag given to an attribute of an event that lost it", nil, func(w *world, attrs []int64) {
			w.post("/events/removeTag", map[string]any{"event": 2, "tag": tagIncident})
			w.post("/attributes/addTag", map[string]any{"attribute": attrs[0], "tag": tagIncident})
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, 1)
			attrs := addTaggedEvent(t, w)
			w.clock.Add(3600)
			src := w.src
			if tc.during != nil {
				src.Events = func(ctx context.Context, f misp.EventFilter) ([]misp.EventState, error) {
					tc.during(w)
					return w.src.Events(ctx, f)
				}
			}
			snap, _, err := feedsnap.Full(ctx, src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			if snap.Attributes != 2 {
				t.Fatalf("full read holds %d attributes, want 2", snap.Attributes)
			}
			w.clock.Add(60)
			if tc.after != nil {
				tc.after(w, attrs)
			}
			refreshed, full := refreshAndRead(t, w, q, snap)
			if d := feedsnap.Diff(refreshed, full); d.Total() != 0 || refreshed.Attributes != tc.held {
				t.Errorf("refreshed holds %d attributes (want %d), differs from a full read by %+v\n%s",
					refreshed.Attributes, tc.held, d, strings.Join(w.log, "\n"))
			}
		})
	}
}

// A MISP whose event index fails still gives the right feed: the full
// read keeps its attributes, and a refresh reads the feed in full.
func TestEventIndexFailureFallsBackToFullReads(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["block"]
	w := newWorld(t, 1)
	addBlockEvent(t, w)
	src := w.src
	src.Events = func(context.Context, misp.EventFilter) ([]misp.EventState, error) {
		return nil, &misp.Error{Kind: misp.BadResponse, Site: "s", Detail: "events index: not a list of events"}
	}
	snap, c, err := feedsnap.Full(ctx, src, q, w.now())
	if err != nil || snap.Attributes != 2 || c.Searches != 1 || c.EventReads != 1 {
		t.Fatalf("full read: %d attributes, cost %+v, error %v; want 2, 1 search and 1 event read", snap.Attributes, c, err)
	}
	w.clock.Add(60)
	w.post("/events/unpublish/2", nil)
	refreshed, c, err := feedsnap.Refresh(ctx, src, q, snap, w.now(), feedsnap.DefaultMargin)
	// One failed event read; the full read then holds no event to ask about.
	if err != nil || refreshed.Attributes != 0 || c.Searches != 1 || c.EventReads != 1 {
		t.Errorf("refresh: %d attributes, cost %+v, error %v; want 0, one full search, 1 event read", refreshed.Attributes, c, err)
	}
}

// An event edited (so unpublished) and published again while a refresh
// runs, just after the feed's search over the changed attributes: the
// refresh drops it and the next one reads it whole, rather than keeping
// it without the attribute the search left out while it was unpublished.
func TestPublishDuringARefresh(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["block"]
	w := newWorld(t, 1)
	attrs := addTaggedEvent(t, w)
	other := addTaggedEvent(t, w)
	for _, ev := range []int{2, 3} {
		w.post("/events/addTag", map[string]any{"event": ev, "tag": tagBlock})
		w.post(fmt.Sprintf("/events/publish/%d", ev), nil)
	}
	w.clock.Add(3600)
	snap, _, err := feedsnap.Full(ctx, w.src, q, w.now())
	if err != nil || snap.Attributes != 4 {
		t.Fatalf("full read: %d attributes, %v; want 4", snap.Attributes, err)
	}
	w.clock.Add(3600)
	w.post(fmt.Sprintf("/attributes/edit/%d", attrs[1]), map[string]any{"value": "evil.example"})
	// Event 3 is edited and published again before the refresh, so that
	// the feed's search runs.
	w.post(fmt.Sprintf("/attributes/edit/%d", other[1]), map[string]any{"to_ids": false})
	w.post("/events/publish/3", nil)
	w.clock.Add(600) // the edits fall before the next refresh's window
	src := w.src
	src.Search = func(ctx context.Context, sq misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		n, err := w.search(ctx, sq, newSink)
		if len(sq.UUIDs) > 0 {
			w.post("/events/publish/2", nil)
		}
		return n, err
	}
	snap, _, err = feedsnap.Refresh(ctx, src, q, snap, w.now(), feedsnap.DefaultMargin)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Add(3600)
	refreshed, full := refreshAndRead(t, w, q, snap)
	if d := feedsnap.Diff(refreshed, full); d.Total() != 0 || full.Attributes != 4 {
		t.Errorf("refreshed differs from a full read of %d attributes by %+v\n%s", full.Attributes, d, strings.Join(w.log, "\n"))
	}
}

// A full read asks for the events' states only once its search is over
// (a change between the two reads would otherwise hide), although it puts
// the rows together into events meanwhile.
func TestFullReadsTheEventIndexAfterTheSearch(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	addTaggedEvent(t, w)
	src := w.src
	var searching, asked atomic.Int32
	search := src.Search
	src.Search = func(ctx context.Context, q misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		searching.Add(1)
		defer searching.Add(-1)
		return search(ctx, q, newSink)
	}
	events := src.Events
	src.Events = func(ctx context.Context, f misp.EventFilter) ([]misp.EventState, error) {
		if searching.Load() != 0 {
			t.Error("the event index was asked while the search ran")
		}
		asked.Add(1)
		return events(ctx, f)
	}
	snap, c, err := feedsnap.Full(ctx, src, feedQueries["incident"], w.now())
	if err != nil || asked.Load() == 0 || c.EventReads != int(asked.Load()) || snap.Attributes == 0 {
		t.Fatalf("full read: %d attributes, cost %+v, %d index requests, error %v", snap.Attributes, c, asked.Load(), err)
	}
}

// An event of a published-only feed given the false-positive tag (which
// unpublishes it) and published again while a refresh runs, between the
// event index over what was published and the request for what is now
// unpublished: the first says unpublished, the second no longer does.
// The refresh reads the event, whose tags changed, rather than keeping
// what it held of it.
func TestRepublishedBetweenTheIndexRequests(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["block"]
	w := newWorld(t, 1)
	addBlockEvent(t, w)
	w.clock.Add(3600)
	snap, _, err := feedsnap.Full(ctx, w.src, q, w.now())
	if err != nil || snap.Attributes != 2 {
		t.Fatalf("full read: %d attributes, %v; want 2", snap.Attributes, err)
	}
	w.clock.Add(60)
	w.post("/events/publish/2", nil)
	w.clock.Add(1)
	w.post("/events/addTag", map[string]any{"event": 2, "tag": tagFP})
	w.clock.Add(600) // the tag falls before the next refresh's window
	src := w.src
	asked := 0
	src.Events = func(ctx context.Context, f misp.EventFilter) ([]misp.EventState, error) {
		got, err := w.src.Events(ctx, f)
		if asked++; asked == 1 {
			w.post("/events/publish/2", nil)
		}
		return got, err
	}
	for round := range 2 {
		snap, _, err = feedsnap.Refresh(ctx, src, q, snap, w.now(), feedsnap.DefaultMargin)
		if err != nil {
			t.Fatal(err)
		}
		full, _, err := feedsnap.Full(ctx, w.src, q, w.now())
		if err != nil {
			t.Fatal(err)
		}
		if have, want := attributesOf(snap), attributesOf(full); len(have) != 0 || len(want) != 0 {
			t.Errorf("refresh %d holds %v, a full read %v; want neither to hold anything\n%s", round+1, have, want, strings.Join(w.log, "\n"))
		}
		w.clock.Add(600)
	}
}

// An event given the false-positive tag while a refresh runs, between
// the event index and the feed's search over its changed attribute, and
// freed of it later: the search leaves the attribute out, and the tags
// noted from the event index alone would equal MISP's again, so that the
// next refresh kept the event without it. The tags noted after the
// search have the next refresh read the event whole.
func TestTagUndoneAfterARefreshSearch(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["incident"]
	w := newWorld(t, 1)
	attrs := addTaggedEvent(t, w)
	w.clock.Add(3600)
	snap, _, err := feedsnap.Full(ctx, w.src, q, w.now())
	if err != nil || snap.Attributes != 2 {
		t.Fatalf("full read: %d attributes, %v; want 2", snap.Attributes, err)
	}
	w.clock.Add(600)
	w.post(fmt.Sprintf("/attributes/edit/%d", attrs[1]), map[string]any{"value": "evil.example"})
	w.clock.Add(600) // the edit falls before the next refresh's window
	src := w.src
	src.Search = func(ctx context.Context, sq misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		if len(sq.UUIDs) > 0 {
			w.post("/events/addTag", map[string]any{"event": 2, "tag": tagFP})
		}
		return w.search(ctx, sq, newSink)
	}
	if snap, _, err = feedsnap.Refresh(ctx, src, q, snap, w.now(), feedsnap.DefaultMargin); err != nil {
		t.Fatal(err)
	}
	if have := shortly(snap); !slices.Equal(have, []string{"ip-dst 192.0.2.1 true"}) {
		t.Fatalf("refresh during the tag holds %q", have)
	}
	w.clock.Add(60)
	w.post("/events/removeTag", map[string]any{"event": 2, "tag": tagFP})
	w.post(fmt.Sprintf("/attributes/edit/%d", attrs[0]), map[string]any{"to_ids": false})
	w.clock.Add(60)
	refreshed, full := refreshAndRead(t, w, q, snap)
	want := []string{"domain evil.example true", "ip-dst 192.0.2.1 false"}
	if have, fromFull := shortly(refreshed), shortly(full); !slices.Equal(have, want) || !slices.Equal(fromFull, want) {
		t.Errorf("refreshed holds %q, a full read %q; want %q\n%s", have, fromFull, want, strings.Join(w.log, "\n"))
	}
}

// A refresh on a clock set back since the previous read (it was ahead of
// MISP's, or a snapshot came from a process whose clock was) sees the
// writes MISP stamped since that read.
func TestRefreshAfterTheClockWasSetBack(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["incident"]
	for _, ahead := range []time.Duration{time.Second, feedsnap.DefaultMargin + time.Second, time.Hour} {
		t.Run(ahead.String(), func(t *testing.T) {
			w := newWorld(t, 1)
			attrs := addTaggedEvent(t, w)
			w.clock.Add(3600)
			snap, _, err := feedsnap.Full(ctx, w.src, q, w.now().Add(ahead))
			if err != nil {
				t.Fatal(err)
			}
			w.post(fmt.Sprintf("/attributes/edit/%d", attrs[1]), map[string]any{"value": "evil.example"})
			w.post(fmt.Sprintf("/attributes/edit/%d", attrs[0]), map[string]any{"to_ids": false})
			refreshed, full := refreshAndRead(t, w, q, snap)
			want := []string{"domain evil.example true", "ip-dst 192.0.2.1 false"}
			if have, fromFull := shortly(refreshed), shortly(full); !slices.Equal(have, want) || !slices.Equal(fromFull, want) {
				t.Errorf("refreshed holds %q, a full read %q; want %q", have, fromFull, want)
			}
		})
	}
}

// shortly is each attribute of s as its type, value and to_ids flag.
func shortly(s *feedsnap.Snapshot) []string {
	var out []string
	s.Each(func(a indicator.Attribute) { out = append(out, fmt.Sprintf("%s %s %v", a.Type, a.Value, a.ToIDS)) })
	return out
}
