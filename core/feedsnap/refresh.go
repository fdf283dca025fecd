package feedsnap

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// DefaultMargin is how far a refresh reaches back before the previous
// read started: clock skew between Cratos and MISP, and writes MISP had
// stamped but not yet committed when that read ran.
const DefaultMargin = 5 * time.Minute

// eventIDChunk bounds the event ids one search names.
const eventIDChunk = 5000

// ErrNotIncremental is returned by Refresh for a feed search whose tag
// filter cannot be applied locally (tag ids); read it in full instead.
var ErrNotIncremental = errors.New("feed search cannot be refreshed incrementally")

// Refresh returns old brought up to date with what changed in MISP since
// old was read, less margin. q is the feed's search, as given to Full.
// Every event touched since then is read again whole and replaces what old
// held of it; published-only feeds also drop events unpublished since.
// Running it again over the same window gives the same snapshot.
//
// The searches, in order (core/misp/README.md says why):
//  1. every attribute stamped since the window start, live or soft-deleted,
//     of any type: events whose attributes changed (edits, to_ids flips,
//     deletions, type changes, values now on a warninglist);
//  2. the feed's search over events stamped since the window start, with
//     their event tags and without the tag filter, the tags applied here:
//     those events' attributes now, and events that gained or lost a tag;
//  3. published-only feeds: the same over events published since the
//     window start (publishing moves no event timestamp);
//  4. published-only feeds: attributes of the events held that are now
//     unpublished (unpublishing moves no timestamp at all).
func Refresh(ctx context.Context, search Search, q misp.Query, old *Snapshot, started time.Time, margin time.Duration) (*Snapshot, Cost, error) {
	var c Cost
	rule, ok := newTagRule(q.Tags)
	if !ok {
		return nil, c, ErrNotIncremental
	}
	from := max(old.Read.Add(-margin).Unix(), 1)
	touched := map[int64][]indicator.Attribute{}

	changed := misp.Query{Org: q.Org, Timestamp: from, WithDeleted: true}
	rows, n, err := collect(ctx, search, changed)
	c.add(n)
	if err != nil {
		return nil, c, err
	}
	for _, r := range rows {
		touched[r.EventID] = nil
	}
	whole := q
	whole.Tags, whole.IncludeEventTags, whole.Timestamp, whole.ToIDS = nil, true, 0, false
	windows := []misp.Query{whole, whole}
	windows[0].EventTimestamp = from
	windows[1].PublishTimestamp = from
	if !q.Published {
		windows = windows[:1]
	}
	for _, w := range windows {
		rows, n, err := collect(ctx, search, w)
		c.add(n)
		if err != nil {
			return nil, c, err
		}
		seen := map[int64][]indicator.Attribute{}
		for _, r := range rows {
			kept := seen[r.EventID]
			if rule.admits(r.Tags) {
				kept = append(kept, r.Attribute)
			}
			seen[r.EventID] = kept
		}
		maps.Copy(touched, seen)
	}
	events := maps.Clone(old.events)
	for id, attrs := range touched {
		if len(attrs) == 0 {
			delete(events, id)
		} else {
			events[id] = attrs
		}
	}
	if q.Published {
		if err := dropUnpublished(ctx, search, q, events, &c); err != nil {
			return nil, c, err
		}
	}
	return rebuilt(events, touched, started), c, nil
}

// dropUnpublished removes the events that are no longer published.
func dropUnpublished(ctx context.Context, search Search, q misp.Query, events map[int64][]indicator.Attribute, c *Cost) error {
	ids := make([]int64, 0, len(events))
	for id := range events {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), eventIDChunk)]
		ids = ids[len(chunk):]
		rows, n, err := collect(ctx, search, misp.Query{Org: q.Org, Unpublished: true, EventIDs: chunk})
		c.add(n)
		if err != nil {
			return err
		}
		for _, r := range rows {
			delete(events, r.EventID)
		}
	}
	return nil
}

// rebuilt makes the refreshed snapshot: events read again are sorted and
// counted anew, the others are shared with the previous snapshot.
func rebuilt(events, touched map[int64][]indicator.Attribute, read time.Time) *Snapshot {
	s := &Snapshot{events: events, Read: read}
	for id, attrs := range events {
		if _, again := touched[id]; again {
			attrs = sortUnique(attrs)
			events[id] = attrs
		}
		s.Attributes += len(attrs)
	}
	return s
}
