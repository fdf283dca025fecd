// Package feedsnap keeps one snapshot per feed: every attribute of the feed
// that any data type can need, read from MISP with one search, so that each
// data type and age is selected locally rather than by a search of its own.
// After the first full read a snapshot is refreshed with what changed in
// MISP since the previous read (refresh.go); a periodic full read
// reconciles it (reconcile.go). core/misp/README.md explains which MISP
// writes move which timestamps and why the refresh searches as it does.
package feedsnap

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"
	"unsafe"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/workgroup"
)

// Search runs one restSearch, paged, and gives every attribute it reads to
// a sink; each paging worker calls newSink once. It returns the number of
// attributes read. An attribute's Value and UUID may be borrowed, valid
// only until the sink returns: the sinks copy what they keep.
// (*misp.Client).ScanAttributes with a page size fits it, and so does
// SearchAttributes.
type Search func(ctx context.Context, q misp.Query, newSink func() func(indicator.Attribute)) (int, error)

// Events runs one /events/index request. (*misp.Client).Events fits it.
type Events func(ctx context.Context, f misp.EventFilter) ([]misp.EventState, error)

// Tags runs one /tags/search request. (*misp.Client).Tags fits it.
type Tags func(ctx context.Context, names []string) ([]misp.Tag, error)

// Source is the MISP a feed is read from: its attribute search, its
// event index and its tag search. Without Events, every refresh is a full
// read; without Tags, a tag renamed is seen by the next full read only.
type Source struct {
	Search Search
	Events Events
	Tags   Tags
}

// Snapshot is the attributes of one feed, grouped by event. It is never
// changed once made: a refresh makes a new one, sharing the events that
// did not change.
type Snapshot struct {
	// events holds each event's attributes.
	events map[int64]Event
	// states holds what the event index said of events held, when read.
	states map[int64]eventState
	// Read is when the read this snapshot reflects started (the reader's
	// clock).
	Read time.Time
	// MISPStart is the earliest MISP's clock can have read when that read
	// started (misp.ServerClock): every MISP change stamped before it,
	// less the margin, is in the snapshot. Zero when MISP's answers
	// carried no Date: Read stands for it then.
	MISPStart time.Time
	// Attributes counts the attributes held.
	Attributes int
	// tags is what the tag search said of the feed's tags filter before
	// the attributes were read.
	tags feedTags
}

// Cost is what reading from MISP cost: attribute searches run, attributes
// they read, event index requests and tag searches.
type Cost struct {
	Searches, Attributes, EventReads, TagReads int
}

func (c *Cost) add(n int) {
	c.Searches++
	c.Attributes += n
}

// Full reads the whole feed: the tags its tags filter names (readFeedTags),
// then q as it is, which is the feed's search (its
// types, tags, published rule and warninglists) without to_ids or
// timestamp bounds, then the tags of the events it holds (one event index
// request per eventIDChunk events), which the next refresh compares with
// theirs then. The event index is read while the rows read are put
// together into events. When it fails, the snapshot knows no tags and its
// first refresh reads every held event it sees changed whole. started is
// the time the read starts.
func Full(ctx context.Context, src Source, q misp.Query, started time.Time) (*Snapshot, Cost, error) {
	return full(ctx, src, q, started, feedTags{})
}

// fullInstead reads the feed in full, adding the cost so far; tags, when
// known, were read by the refresh before it and are not asked again.
func fullInstead(ctx context.Context, src Source, q misp.Query, started time.Time, c Cost, tags feedTags) (*Snapshot, Cost, error) {
	s, cf, err := full(ctx, src, q, started, tags)
	c.Searches, c.Attributes, c.EventReads = c.Searches+cf.Searches, c.Attributes+cf.Attributes, c.EventReads+cf.EventReads
	c.TagReads += cf.TagReads
	return s, c, err
}

// full is Full with the feed's tags, when known, read already.
func full(ctx context.Context, src Source, q misp.Query, started time.Time, tags feedTags) (*Snapshot, Cost, error) {
	var c Cost
	clock := misp.NewServerClock()
	ctx = misp.WithServerClock(ctx, clock)
	if !tags.known {
		tags = readFeedTags(ctx, src, q, &c)
	}
	parts, n, err := readParts(ctx, src.Search, q)
	c.add(n)
	if err != nil {
		return nil, c, err
	}
	var (
		wg   workgroup.Group
		seen []misp.EventState
		read Cost
	)
	if src.Events != nil {
		// Read after the attributes: a change between the two reads
		// would hide here; Refresh does not trust a state stamped inside
		// its window.
		ids := partEvents(parts)
		wg.Go(func() {
			_ = inChunks(ids, func(ids []int64) error {
				got, err := readEvents(ctx, src, misp.EventFilter{EventIDs: ids}, &read)
				seen = append(seen, got...)
				return err
			})
		})
	}
	events, err := joinParts(parts)
	wg.Wait()
	c.EventReads += read.EventReads
	if err != nil {
		return nil, c, err
	}
	s := newSnapshot(events, started)
	s.MISPStart, s.tags = clock.Start(), tags
	for _, ev := range seen {
		if _, held := s.events[ev.ID]; held {
			s.states[ev.ID] = stateOf(ev, true)
		}
	}
	return s, c, nil
}

// newSnapshot counts the attributes of events, all sorted.
func newSnapshot(events map[int64]Event, read time.Time) *Snapshot {
	s := &Snapshot{events: events, states: map[int64]eventState{}, Read: read}
	for _, e := range events {
		s.Attributes += e.Len()
	}
	return s
}

// collect runs q and returns every row read, with strings of its own,
// each paging worker's in the order the workers started.
func collect(ctx context.Context, search Search, q misp.Query) ([]indicator.Attribute, int, error) {
	var (
		mu    sync.Mutex
		parts []*[]indicator.Attribute
	)
	n, err := search(ctx, q, func() func(indicator.Attribute) {
		mine := new([]indicator.Attribute)
		mu.Lock()
		parts = append(parts, mine)
		mu.Unlock()
		return func(a indicator.Attribute) { *mine = append(*mine, a.Own()) }
	})
	if err != nil {
		return nil, n, err
	}
	var rows []indicator.Attribute
	for _, p := range parts {
		rows = append(rows, *p...)
	}
	return rows, n, nil
}

// perEvent is about what an event costs beside its records and text: its
// entries in the snapshot's two maps.
const perEvent = 96

// Bytes is about how much memory s holds: its records, the whole text of
// every store its events use (a store is held, every slab of it, as long
// as one event uses it; counted once however many do), the text of the
// events' tags and perEvent an event. A refreshed snapshot shares the
// records and stores of the events that did not change with the one it
// replaces; each is counted whole.
func (s *Snapshot) Bytes() int64 {
	n := int64(s.Attributes) * int64(unsafe.Sizeof(rec{}))
	stores := map[*store]bool{}
	for _, e := range s.events {
		if e.st != nil && !stores[e.st] {
			stores[e.st] = true
			n += e.st.bytes()
		}
		n += perEvent
	}
	return n + s.tagBytes()
}

// BytesBeside is what s holds beyond other (nil: Bytes): Bytes less the
// records and stores of the events s shares with other, as a refresh
// shares the events that did not change with the snapshot it replaces.
// Each snapshot's maps and tags are its own, and counted.
func (s *Snapshot) BytesBeside(other *Snapshot) int64 {
	if other == nil {
		return s.Bytes()
	}
	theirs := map[*store]bool{}
	for _, e := range other.events {
		theirs[e.st] = true
	}
	var n int64
	stores := map[*store]bool{}
	for id, e := range s.events {
		if o, ok := other.events[id]; !ok || !e.sameRecords(o) {
			n += int64(e.Len()) * int64(unsafe.Sizeof(rec{}))
		}
		if e.st != nil && !stores[e.st] && !theirs[e.st] {
			stores[e.st] = true
			n += e.st.bytes()
		}
		n += perEvent
	}
	return n + s.tagBytes()
}

// bytes is the whole text st holds, every slab.
func (st *store) bytes() int64 {
	var n int64
	for _, slab := range st.slabs {
		n += int64(cap(slab))
	}
	return n
}

// tagBytes is the text of the feed's and the events' tags s notes.
func (s *Snapshot) tagBytes() int64 {
	n := int64(len(s.tags.key))
	for _, st := range s.states {
		n += int64(len(st.tags))
	}
	return n
}

// windowStart is the time on MISP's clock from which s may lack changes,
// before the margin: when its read started.
func (s *Snapshot) windowStart() time.Time {
	if s.MISPStart.IsZero() {
		return s.Read
	}
	return s.MISPStart
}

// Events returns the ids of the events held, in order.
func (s *Snapshot) Events() []int64 {
	return slices.Sorted(maps.Keys(s.events))
}

// Each calls fn for every attribute held, by event id then uuid.
func (s *Snapshot) Each(fn func(indicator.Attribute)) {
	for _, id := range s.Events() {
		e := s.events[id]
		for i := range e.recs {
			fn(e.Attr(id, i))
		}
	}
}

// without returns s less the events ids, sharing what it keeps.
func (s *Snapshot) without(ids map[int64]bool) *Snapshot {
	if len(ids) == 0 {
		return s
	}
	out := *s
	out.events, out.states = maps.Clone(s.events), maps.Clone(s.states)
	for id := range ids {
		out.Attributes -= out.events[id].Len()
		delete(out.events, id)
		delete(out.states, id)
	}
	return &out
}

// rebuilt makes the refreshed snapshot, dropping the states of events no
// longer held.
func rebuilt(events map[int64]Event, states map[int64]eventState, read time.Time) *Snapshot {
	s := &Snapshot{events: events, states: states, Read: read}
	for _, e := range events {
		s.Attributes += e.Len()
	}
	for id := range states {
		if _, held := events[id]; !held {
			delete(states, id)
		}
	}
	return s
}
