package feedsnap

import (
	"context"
	"maps"
	"slices"
	"strings"
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

// Refresh returns old brought up to date with what changed in MISP since
// old was read, less margin. q is the feed's search, as given to Full.
// Every event touched since then is read again whole, by the feed's own
// search, and replaces what old held of it (or is dropped when that search
// returns nothing of it); published-only feeds also drop events unpublished
// since. Running it again over the same window gives the same snapshot.
// Only the feed's own search decides what an event holds: the other
// searches only say which events to read again.
//
// When search 1 shows that most events held changed, the feed is read in
// full instead. The searches, in order (core/misp/README.md says why):
//  1. attributes stamped since the window start, live or soft-deleted, of
//     any type: events whose attributes changed (edits, to_ids flips,
//     deletions, type changes, values now on a warninglist);
//  2. of the events held and stamped since then, attributes of the feed's
//     types without the feed's tags, and with a tag the feed excludes:
//     events that lost the feed tag or gained the false-positive one;
//  3. the feed's search over events stamped since then: their attributes
//     now;
//  4. published-only feeds: the same over events published since then
//     (publishing moves no event timestamp);
//  5. the feed's search over the events 1 and 2 found that 3 and 4 did not
//     return (when there are any);
//  6. published-only feeds: attributes of the events held that are now
//     unpublished (unpublishing moves no timestamp at all).
func Refresh(ctx context.Context, search Search, q misp.Query, old *Snapshot, started time.Time, margin time.Duration) (*Snapshot, Cost, error) {
	var c Cost
	from := max(old.Read.Add(-margin).Unix(), 1)
	held := old.Events()
	touched := map[int64][]indicator.Attribute{}
	mark := func(q misp.Query) error {
		rows, n, err := collect(ctx, search, q)
		c.add(n)
		for _, r := range rows {
			touched[r.EventID] = nil
		}
		return err
	}
	if err := mark(misp.Query{Org: q.Org, Timestamp: from, WithDeleted: true}); err != nil {
		return nil, c, err
	}
	if changedMost(touched, old) {
		// Reading most events again costs more than reading the feed.
		s, cf, err := Full(ctx, search, q, started)
		c.Searches, c.Attributes = c.Searches+cf.Searches, c.Attributes+cf.Attributes
		return s, c, err
	}
	for _, tags := range leavingTags(q.Tags) {
		err := inChunks(held, func(ids []int64) error {
			return mark(misp.Query{Types: q.Types, Org: q.Org, Tags: tags, EventTimestamp: from, EventIDs: ids})
		})
		if err != nil {
			return nil, c, err
		}
	}
	whole := q
	whole.Timestamp, whole.ToIDS = 0, false
	windows := []misp.Query{whole, whole}
	windows[0].EventTimestamp = from
	windows[1].PublishTimestamp = from
	if !q.Published {
		windows = windows[:1]
	}
	read := map[int64]bool{}
	fill := func(w misp.Query) error {
		rows, n, err := collect(ctx, search, w)
		c.add(n)
		seen := map[int64][]indicator.Attribute{}
		for _, a := range rows {
			seen[a.EventID] = append(seen[a.EventID], a)
			read[a.EventID] = true
		}
		maps.Copy(touched, seen)
		return err
	}
	for _, w := range windows {
		if err := fill(w); err != nil {
			return nil, c, err
		}
	}
	// Events seen changed that the windows did not return are asked for
	// by id: an event stamped before the window (MISP keeps a writer's
	// timestamps) is not dropped for that.
	var unread []int64
	for id := range touched {
		if !read[id] {
			unread = append(unread, id)
		}
	}
	slices.Sort(unread)
	if err := inChunks(unread, func(ids []int64) error {
		w := whole
		w.EventIDs = ids
		return fill(w)
	}); err != nil {
		return nil, c, err
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

// changedMost reports whether more than half the events held have
// attributes written since the window start.
func changedMost(touched map[int64][]indicator.Attribute, old *Snapshot) bool {
	n := 0
	for id := range touched {
		if _, held := old.events[id]; held {
			n++
		}
	}
	return len(old.events) >= 8 && 2*n > len(old.events)
}

// leavingTags returns the tag filters that find attributes a feed's tags
// leave out: those with none of its tags, and those with a tag it
// excludes.
func leavingTags(tags []string) [][]string {
	var lacking, excluded []string
	for _, t := range tags {
		if rest, ok := strings.CutPrefix(t, "!"); ok {
			excluded = append(excluded, rest)
		} else {
			lacking = append(lacking, "!"+t)
		}
	}
	var out [][]string
	for _, f := range [][]string{lacking, excluded} {
		if len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// inChunks calls fn with the ids, eventIDChunk at a time.
func inChunks(ids []int64, fn func([]int64) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), eventIDChunk)]
		ids = ids[len(chunk):]
		if err := fn(chunk); err != nil {
			return err
		}
	}
	return nil
}

// dropUnpublished removes the events that are no longer published.
func dropUnpublished(ctx context.Context, search Search, q misp.Query, events map[int64][]indicator.Attribute, c *Cost) error {
	ids := make([]int64, 0, len(events))
	for id := range events {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return inChunks(ids, func(chunk []int64) error {
		rows, n, err := collect(ctx, search, misp.Query{Org: q.Org, Unpublished: true, EventIDs: chunk})
		c.add(n)
		for _, r := range rows {
			delete(events, r.EventID)
		}
		return err
	})
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
