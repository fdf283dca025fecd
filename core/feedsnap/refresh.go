package feedsnap

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// DefaultMargin is how far a refresh reaches back before the previous
// read started on MISP's clock: writes MISP had stamped but not yet
// committed when that read ran (and, when MISP's answers carry no Date,
// clock skew between Cratos and MISP).
const DefaultMargin = 5 * time.Minute

// eventIDChunk bounds the event ids, and uuidChunk the uuids, one request
// names.
const (
	eventIDChunk = 5000
	uuidChunk    = 5000
)

// Refresh returns old brought up to date with what changed in MISP since
// old was read, less margin, attribute by attribute. The window is on
// MISP's clock, told by the Date of its answers (old.MISPStart): Cratos'
// clock, ahead of or behind MISP's, neither hides changes nor widens it. q is the feed's
// search, as given to Full. Only the feed's own search decides what the
// feed holds: the other requests only say which attributes and events to
// ask it about. Running it again over the same window gives the same
// snapshot. core/misp/README.md explains each request; in order:
//
//  0. the tag search over the names of the feed's tags filter: when the
//     tags they stand for differ from those old was read under (a tag
//     renamed, which moves no timestamp), the feed is read in full;
//  1. the event index over events stamped since the window start
//     (published-only feeds: published since then), with their tags;
//  2. the attributes stamped since then, live or soft-deleted, of any
//     type: which attributes changed;
//  3. the event index over the events held: those it does not return
//     were deleted in MISP (which leaves nothing a timestamp finds), and
//     for published-only feeds those it returns unpublished are no longer
//     in the feed (unpublishing moves no timestamp); both are dropped.
//     Those whose tags differ from the ones noted are read whole: a local
//     tag, attached or removed, moves no timestamp either;
//     3b. for feeds that take unpublished events, the event index over
//     events published since the window start: under
//     MISP.unpublishedprivate another organisation's event is hidden
//     while unpublished, and publishing it again moves no timestamp 1
//     asks for. Those the feed does not hold, or holds with no attribute
//     in 2, are read whole. Asked after 3: one published again between 2
//     and 3 is kept by 3 and read whole here;
//  4. the feed's search restricted (uuid) to the attributes 2 returned
//     and to the events to read whole: those 1 returned that the feed
//     does not hold (they may enter it), and those held whose tags
//     changed or whose timestamp moved with no attribute in 2 (a hard
//     delete), or, for published-only feeds, published since then with
//     no attribute in 2 (a synchronisation keeps older timestamps). Every attribute 2 returned is replaced by what 4 returned
//     of it, or dropped; every event read whole is replaced;
//  5. the event index over the events 4 searched, read after it: their
//     tags are noted from it, as after a full read (a tag change between
//     1 and 4 and undone later would otherwise leave the tags noted from
//     1 equal to MISP's again, and the event as 4 read it).
//
// When the tags differ (0), request 1 fails or the event index is not
// known (IndexUnusable), more than half the events held are to be read
// whole, MISP's clock (the Date of its answers) reads before the window's
// start (it was set back), or MISP's clock is not known from old and
// started is before old.Read (Cratos' clock was set back), the feed is
// read in full instead (FullReason); when that full read fails, see
// RefreshWith.
func Refresh(ctx context.Context, src Source, q misp.Query, old *Snapshot, started time.Time, margin time.Duration) (*Snapshot, Cost, error) {
	s, c, _, err := RefreshWith(ctx, src, q, old, started, margin, true)
	return s, c, err
}

// RefreshWith is Refresh, also saying how it went about a full read. A
// full read it decides on only as the cheaper or the more thorough way
// (FullReason.Required is false) is made only when fullAllowed, and one
// that fails is replaced by the refresh; one the snapshot needs is made
// whatever fullAllowed says, and its error returned.
func RefreshWith(ctx context.Context, src Source, q misp.Query, old *Snapshot, started time.Time, margin time.Duration,
	fullAllowed bool) (s *Snapshot, c Cost, fr FullRead, err error) {
	var tags feedTags
	// instead reads the feed in full for why, and reports whether that
	// ends the refresh.
	instead := func(why FullReason) bool {
		fr.Reason = why
		if !why.Required() && !fullAllowed {
			return false
		}
		s, c, err = fullInstead(ctx, src, q, started, c, tags)
		if err == nil || why.Required() {
			fr.Done = err == nil
			return true
		}
		fr.Err = err
		if ctx.Err() != nil {
			// No refresh can follow: the full read's error ends it.
			return true
		}
		err = nil
		return false
	}
	if src.Events == nil && instead(IndexUnusable) {
		return s, c, fr, err
	}
	if old.MISPStart.IsZero() && started.Round(0).Before(old.Read.Round(0)) && instead(ClockSetBack) {
		// A start before the previous read's, on the wall clock (Round(0)
		// drops the monotonic reading a time of this process carries), is
		// a clock set back: the window, from that read on the clock as it
		// was, may begin after writes MISP stamped since.
		return s, c, fr, err
	}
	clock := misp.NewServerClock()
	ctx = misp.WithServerClock(ctx, clock)
	tags = readFeedTags(ctx, src, q, &c)
	if tags.known && tags != old.tags && instead(TagsRenamed) {
		// A tag renamed to or from a name the filter lists (or made, or
		// deleted) moves no timestamp; nor does what old knows not.
		return s, c, fr, err
	}
	from := max(old.windowStart().Add(-margin).Unix(), 1)
	f := misp.EventFilter{Timestamp: from}
	if q.Published {
		f = misp.EventFilter{PublishTimestamp: from}
	}
	seen, err := readEvents(ctx, src, f, &c)
	if err != nil {
		// Without the event index, only a full read sees every change.
		instead(IndexUnusable)
		return s, c, fr, err
	}
	if now := clock.Start(); !now.IsZero() && now.Unix() < from && instead(ClockSetBack) {
		// MISP's clock reads before the window: set back since the
		// previous read (an NTP correction), it stamps its writes before
		// the window's start, where no refresh looks.
		return s, c, fr, err
	}
	written, n, err := collect(ctx, src.Search, misp.Query{Org: q.Org, Timestamp: from, WithDeleted: true})
	c.add(n)
	if err != nil {
		return nil, c, fr, err
	}
	changed := map[string]int64{} // attribute uuid -> event id
	perEvent := map[int64]int{}
	for _, a := range written {
		if a.UUID == "" {
			instead(IndexUnusable)
			return s, c, fr, err
		}
		changed[a.UUID] = a.EventID
		perEvent[a.EventID]++
	}
	// Before the feed's search: an event published between the two
	// requests is dropped now and, not held, read whole next time;
	// dropped after, it could keep attributes the search left out while
	// it was unpublished. A deleted event never comes back (MISP
	// blocklists its uuid).
	dropped, replaced, retagged, err := droppedHeld(ctx, src, old, q.Published, &c)
	if err != nil {
		return nil, c, fr, err
	}
	old = old.without(replaced)
	maps.DeleteFunc(changed, func(_ string, id int64) bool { return dropped[id] })
	whole := map[int64]string{} // event id -> uuid
	for id, uuid := range retagged {
		if _, held := old.events[id]; held {
			whole[id] = uuid
		}
	}
	wholeHeld := len(whole)
	for _, ev := range seen {
		_, held := old.events[ev.ID]
		if dropped[ev.ID] || q.Published && !ev.Published && !held {
			// Deleted, or published and unpublished again: not in the
			// feed. A held event 3 did not find unpublished was published
			// again since 1, and is read whole if its tags changed
			// meanwhile.
			continue
		}
		if _, already := whole[ev.ID]; !already && mustReadWhole(old, ev, from, q.Published, perEvent[ev.ID] > 0) && ev.UUID != "" {
			whole[ev.ID] = ev.UUID
			if held {
				wholeHeld++
			}
		}
	}
	if !q.Published {
		republished, ierr := readEvents(ctx, src, misp.EventFilter{PublishTimestamp: from, Minimal: true}, &c)
		if ierr != nil {
			instead(IndexUnusable)
			return s, c, fr, err
		}
		wholeHeld += readRepublished(old, republished, dropped, perEvent, whole)
	}
	if len(old.events) >= 8 && 2*wholeHeld > len(old.events) && instead(MostEventsChanged) {
		// Reading most events again costs more than reading the feed.
		return s, c, fr, err
	}
	got, err := readNamed(ctx, src.Search, q, changed, whole, &c)
	if err != nil {
		return nil, c, fr, err
	}
	after, err := searchedStates(ctx, src, changed, whole, &c)
	if err != nil {
		return nil, c, fr, err
	}
	events, err := merge(old.events, changed, whole, got)
	if err != nil {
		return nil, c, fr, err
	}
	for id := range dropped {
		delete(events, id)
	}
	states := maps.Clone(old.states)
	if states == nil {
		states = map[int64]eventState{}
	}
	for _, ev := range seen {
		states[ev.ID] = stateOf(ev, false)
	}
	for _, ev := range after {
		states[ev.ID] = stateOf(ev, true)
	}
	s = rebuilt(events, states, started)
	s.MISPStart, s.tags = clock.Start(), tags
	if !tags.known {
		// Not asked, or MISP did not answer: the next answer is compared
		// with what old was read under.
		s.tags = old.tags
	}
	return s, c, fr, nil
}

// searchedStates runs request 5: the event index over the events search 4
// asked about (those of the changed attributes and those read whole).
func searchedStates(ctx context.Context, src Source, changed map[string]int64, whole map[int64]string, c *Cost) ([]misp.EventState, error) {
	ids := slices.Collect(maps.Keys(whole))
	for _, id := range changed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []misp.EventState
	err := inChunks(ids, func(chunk []int64) error {
		seen, err := readEvents(ctx, src, misp.EventFilter{EventIDs: chunk}, c)
		out = append(out, seen...)
		return err
	})
	return out, err
}

// mustReadWhole reports whether event ev, seen changed by the event index,
// is read whole by the feed's search: when the feed does not hold it (it
// may enter), or holds it but does not know its tags then, or its tags
// changed, or its timestamp moved with no attribute stamped since from
// (an attribute deleted for good, or a change only the event shows), or,
// for a published-only feed, it was published since from with no
// attribute stamped since then: a synchronisation keeps the origin's
// older timestamps and publishes the event again on arrival.
func mustReadWhole(old *Snapshot, ev misp.EventState, from int64, published, attrsWritten bool) bool {
	if _, held := old.events[ev.ID]; !held {
		return true
	}
	st, known := old.states[ev.ID]
	switch {
	case !known, st.afterRead && st.ts >= from, st.tags != tagKey(ev.Tags):
		return true
	}
	return (ev.Timestamp >= from || published && ev.PublishTimestamp >= from) && !attrsWritten
}

// readNamed runs the feed's search over the attributes changed and the
// events to read whole, uuidChunk uuids at a time.
func readNamed(ctx context.Context, search Search, q misp.Query, changed map[string]int64, whole map[int64]string, c *Cost) ([]indicator.Attribute, error) {
	uuids := slices.Collect(maps.Keys(changed))
	for _, u := range whole {
		uuids = append(uuids, u)
	}
	slices.Sort(uuids)
	named := q
	named.Timestamp, named.ToIDS = 0, false
	var out []indicator.Attribute
	for len(uuids) > 0 {
		chunk := uuids[:min(len(uuids), uuidChunk)]
		uuids = uuids[len(chunk):]
		named.UUIDs = chunk
		rows, n, err := collect(ctx, search, named)
		c.add(n)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// merge applies what the feed's search returned: events read whole are
// replaced, each changed attribute of the others is replaced or dropped.
// The events changed are made anew, sorted; those left empty are dropped.
// old is not modified.
func merge(old map[int64]Event, changed map[string]int64, whole map[int64]string, got []indicator.Attribute) (map[int64]Event, error) {
	fresh := map[int64][]indicator.Attribute{}
	for _, a := range got {
		fresh[a.EventID] = append(fresh[a.EventID], a)
	}
	touched := map[int64][]indicator.Attribute{}
	for id := range whole {
		touched[id] = fresh[id]
	}
	gone := map[int64]map[string]bool{}
	for u, id := range changed {
		if _, isWhole := whole[id]; isWhole {
			continue
		}
		if gone[id] == nil {
			gone[id] = map[string]bool{}
		}
		gone[id][u] = true
	}
	for id, uuids := range gone {
		var attrs []indicator.Attribute
		e := old[id]
		var buf [36]byte
		for i := range e.recs {
			if !uuids[e.uuid(i, &buf)] {
				attrs = append(attrs, e.Attr(id, i))
			}
		}
		for _, a := range fresh[id] {
			if uuids[a.UUID] {
				attrs = append(attrs, a)
			}
		}
		touched[id] = attrs
	}
	events := maps.Clone(old)
	for id, attrs := range touched {
		if len(attrs) == 0 {
			delete(events, id)
			continue
		}
		e, err := NewEvent(attrs)
		if err != nil {
			return nil, err
		}
		events[id] = e
	}
	return events, nil
}
