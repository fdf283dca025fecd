package export

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// DefaultReconcileEvery is how often a feed snapshot is read from MISP in
// full, compared with the refreshed one and replaced.
const DefaultReconcileEvery = time.Hour

// FeedObserver is an Observer that also wants to know how a full read
// differed from the refreshed feed snapshot it replaced.
type FeedObserver interface {
	Reconciled(site, feed string, d feedsnap.Difference)
}

// maxFeeds bounds the feed snapshots kept: one per site, MISP URL, key
// identity and feed. The least recently used is dropped first; its next
// request reads that feed in full.
const maxFeeds = 1024

// feedTable holds the feed snapshots: one per site, MISP URL, key
// identity and feed, at most maxFeeds and at most budget bytes
// (feedsnap.Snapshot.Bytes) in all, the most recent one always.
type feedTable struct {
	m       *cache.LRU[string, *feedState] // feedKey -> state
	budget  int64
	evicted atomic.Uint64 // the LRU's evictions when last logged
	// differences counts attributes in which full reads differed from
	// refreshed snapshots.
	differences atomic.Int64
	lookups     atomic.Int64
}

func newFeedTable(budget int64) *feedTable {
	return &feedTable{budget: budget, m: cache.NewLRU(cache.LRUOptions[string, *feedState]{MaxItems: maxFeeds, MaxBytes: budget,
		KeepLast: true, SizeOf: func(_ string, st *feedState) int64 { return st.bytes.Load() }})}
}

// charge charges the feed snapshot of key what its state holds now,
// dropping the least recently used others past the budget, and logs the
// snapshots dropped since the last charge (this one's, and those a new
// feed's entry pushed out).
func (t *feedTable) charge(key string, logger *slog.Logger) {
	t.m.Recharge(key)
	evicted := t.m.Stats().Evictions
	if before := t.evicted.Swap(evicted); evicted > before {
		logger.Warn("feed snapshots dropped to stay within feed_snapshot_max_bytes; their next lists read MISP in full",
			"dropped", evicted-before, "held_bytes", t.m.Bytes(), "budget_bytes", t.budget, "held_feeds", t.m.Len(), "max_feeds", maxFeeds)
	}
}

// clear drops every feed snapshot.
func (t *feedTable) clear() { t.m.Clear() }

// feedState is one feed's snapshot; mu makes one read of the feed at a
// time, which every data type waiting for it shares.
type feedState struct {
	mu     readLock
	snap   *feedsnap.Snapshot
	fullAt time.Time    // when the last full read started
	used   atomic.Int64 // unix seconds of the last list made from it
	read   atomic.Int64 // snap.Read in unix nanoseconds, read without mu
	bytes  atomic.Int64 // snap.Bytes(), read without mu
	// shareID names the piece of the feed's shared snapshot that snap is
	// (feedshare.go); empty when snap is not shared.
	shareID string
	// badHead names a shared snapshot found unusable, not loaded again.
	badHead string
	// prev is the snapshot snap replaced when snap is smaller, kept
	// beside it while the budget has room for both: the MISP answer a list held after a
	// change of its settings was made from (heldsettings.go).
	prev atomic.Pointer[feedsnap.Snapshot]
	// last is snap, read without mu: a replica that takes a list held
	// after a change of its settings from memcached may hold, as snap,
	// the answer the former list was made from.
	last atomic.Pointer[feedsnap.Snapshot]
	// failed is the MISP error of the feed's last read, nil after one that
	// succeeded (mu); reads counts the reads that ended either way. A
	// build that waited for a failed read and needs a newer snapshot takes
	// its error: a feed's data types asked at once, MISP hanging, wait for
	// one MISP timeout (after a restart), not one each in turn.
	failed error
	reads  atomic.Uint64
	// fullRetry is when a full read is tried again after fullFailures
	// failed in a row (mu; reconcile.go). fullNeeded is why a full read a
	// refresh decided on is still wanted after it failed, and fullErr its
	// error.
	fullRetry    time.Time
	fullFailures int
	fullNeeded   feedsnap.FullReason
	fullErr      error
	// shareKey is the feed's key in the shared level when snap was read
	// (feedshare.go): a clear in another replica changes it.
	shareKey string
}

// readEnded records how a read of st's feed in ctx ended (mu held). A
// read that ended with its caller (its devices left, its deadline, no
// build slot) says nothing of MISP and is not recorded.
func (st *feedState) readEnded(ctx context.Context, err error) {
	var me *misp.Error
	switch {
	case err == nil:
		st.failed = nil
	case ctx.Err() == nil && errors.As(err, &me) && me.Kind != misp.Canceled:
		st.failed = err
	default:
		return
	}
	st.reads.Add(1)
}

// keep makes snap st's snapshot, shared as shareID. The one it replaces
// is kept as st.prev when snap holds fewer attributes (only a shrunk
// answer can have a list held by what MISP gave) and room, what the feed
// snapshots' budget leaves beside the others (feedTable.room), holds
// both: snap and what the former one holds beyond it (a refresh shares
// the events that did not change).
func (st *feedState) keep(snap *feedsnap.Snapshot, shareID string, room int64) {
	n := snap.Bytes()
	var prev *feedsnap.Snapshot
	if old := st.snap; old != nil && old != snap && !old.Read.Equal(snap.Read) && snap.Attributes < old.Attributes {
		if m := old.BytesBeside(snap); n+m <= room {
			prev, n = old, n+m
		}
	}
	st.snap, st.shareID = snap, shareID
	st.prev.Store(prev)
	st.last.Store(snap)
	st.read.Store(snap.Read.UnixNano())
	st.bytes.Store(n)
}

// room is what the budget leaves for st beside the other feed snapshots.
func (t *feedTable) room(st *feedState) int64 {
	return t.budget - (t.m.Bytes() - st.bytes.Load())
}

// feedNewer reports whether r's feed has been read since a snapshot
// fetched at fetched was made from it: that snapshot is not reused, so the
// lists and views of one feed show one read of it. A feed is read again
// only a whole lifetime (a second at least) after its last read, so
// comparing whole seconds suffices.
func (s *Service) feedNewer(r Request, fetched time.Time) bool {
	if r.Kind == KindOrg {
		return false
	}
	st, ok := s.feeds.m.Get(s.feedKey(r))
	if !ok {
		return false
	}
	read := st.read.Load()
	return read != 0 && time.Unix(0, read).Truncate(time.Second).After(fetched)
}

// sweep drops the feed snapshots no list was made from for two
// reconciliation periods: the next request would read them in full anyway.
func (t *feedTable) sweep(now time.Time, every time.Duration) {
	if t.lookups.Add(1)%256 != 0 {
		return
	}
	for k, st := range t.m.All() {
		if now.Unix()-st.used.Load() > int64(2*every/time.Second) {
			t.m.Delete(k)
		}
	}
}

// ReconcileDifferences is the number of attributes in which periodic full
// reads have found refreshed feed snapshots wrong since start.
func (s *Service) ReconcileDifferences() int64 { return s.feeds.differences.Load() }

// feedTypes are the MISP types of every data type: what a feed snapshot
// holds.
var feedTypes = func() []string {
	var out []string
	seen := map[string]bool{}
	for _, dt := range indicator.DataTypes() {
		for _, t := range dt.MISPTypes {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}()

// feedKey names r's feed snapshot: the site's MISP identity, the feed and
// the site settings that select its attributes (Site.SelectionDigest).
func (s *Service) feedKey(r Request) string {
	return s.keyID(r.Site.Name+"\x00"+r.MISPURL+"\x00"+r.MISPKey) + "|" + r.Site.Name + "|" + r.Feed + "|" + r.Site.SelectionDigest()
}

// forgetFeed drops r's feed snapshot, here and in the shared level: the
// next request reads it in full.
func (s *Service) forgetFeed(ctx context.Context, r Request) error {
	if r.Kind == KindOrg {
		return nil
	}
	s.feeds.m.Delete(s.feedKey(r))
	return s.opts.Namespace.Bump(ctx, feedGroup(s.feedKey(r)))
}

// fetchFromFeed makes r's snapshot from its feed's snapshot, reading or
// refreshing that first when it is older than r accepts. ok is false when
// r is not served so (the uuid route, types the feed search lacks).
// With withoutUUIDs the snapshot holds no UUIDs, as in fetch.
func (s *Service) fetchFromFeed(ctx context.Context, r Request, withoutUUIDs bool) (snap *Snapshot, ok bool, err error) {
	if r.Kind == KindOrg || !feedsnap.Selectable(r.DataType.MISPTypes) || !feedsnap.Covers(feedTypes, r.DataType.MISPTypes) {
		return nil, false, nil
	}
	q, err := BuildQuery(r.Site, KindFeed, r.Feed, "", indicator.DataType{MISPTypes: feedTypes}, time.Unix(0, 0))
	if err != nil {
		return nil, true, err
	}
	q.Timestamp, q.ToIDS = 0, false
	now := s.opts.Now()
	s.feeds.sweep(now, s.reconcileEvery())
	st, _ := s.feeds.m.LoadOrStore(s.feedKey(r), &feedState{})
	st.used.Store(now.Unix())
	// The token's share of the build slots is taken before the feed's
	// lock, so that a read waiting for it keeps no other token's list
	// of the feed waiting.
	leave := func() {}
	if !feedUsable(ctx, r, now, time.Unix(0, st.read.Load())) {
		if leave, err = s.limits.takeShare(ctx, r); err != nil {
			return nil, true, err
		}
	}
	// Both are released when the read panics too (a build recovers).
	feed, err := func() (*feedsnap.Snapshot, error) {
		defer leave()
		asked := st.reads.Load()
		if err := st.mu.lock(ctx); err != nil {
			return nil, readTimedOut(ctx, r, err)
		}
		defer st.mu.unlock()
		s.dropCleared(ctx, r, st)
		// Serving st's snapshot reads nothing: nothing to record.
		if st.snap != nil && feedUsable(ctx, r, s.opts.Now(), st.snap.Read) {
			return st.snap, nil
		}
		if st.failed != nil && st.reads.Load() != asked {
			return nil, st.failed
		}
		feed, err := s.feedSnapshot(ctx, r, q, st)
		st.readEnded(ctx, err)
		return feed, err
	}()
	if err != nil {
		return nil, true, err
	}
	since, err := Since(r.Age, s.opts.Now())
	if err != nil {
		return nil, true, err
	}
	sel := feedsnap.Selection{Types: r.DataType.MISPTypes, ToIDS: !ignoresToIDS(r.Site, r.DataType), Since: since.Unix(),
		WithoutUUIDs: withoutUUIDs}
	snap, err = s.extractFeed(r, feed, sel, s.pairGuard(ctx, r))
	return snap, true, err
}

// feedSnapshot returns st's snapshot, read or refreshed when r needs a
// newer one. st.mu is held. Processes sharing memcached share the feed's
// reads (feedshare.go).
func (s *Service) feedSnapshot(ctx context.Context, r Request, q misp.Query, st *feedState) (*feedsnap.Snapshot, error) {
	now := s.opts.Now()
	// The feed's read time is exact: a read older than r's lifetime is
	// not reused, even within the second the lists' times are kept to.
	if st.snap != nil && feedUsable(ctx, r, now, st.snap.Read) {
		return st.snap, nil
	}
	if l := s.shared.Leaser(); l != nil {
		return s.sharedFeedSnapshot(ctx, r, q, st)
	}
	_, _, err := s.readFeed(ctx, r, q, st)
	return st.snap, err
}

// feedUsable reports whether a feed read at read may serve r at now.
func feedUsable(ctx context.Context, r Request, now, read time.Time) bool {
	age := now.Sub(read)
	return (r.TTL <= 0 || age < r.TTL && !fromTheFuture(age)) && newer(ctx, read.Truncate(time.Second))
}

// readLock is a feed's lock, which a build waiting for it leaves when its
// context ends: another snapshot's read of the feed (a console lookup with
// no deadline) keeps no build waiting past its own deadline, nor one whose
// devices have left. One that reaches its deadline while the read holding
// the lock waits for a build slot is busy, as its own read would have
// been, not timed out by a MISP never asked. Its zero value is unlocked.
type readLock struct {
	once sync.Once
	ch   chan struct{}
	// holder is the context of the read holding the lock, nil when free:
	// what that read waits for is cache.WaitingFor(holder).
	holder atomic.Pointer[context.Context]
	// waiting counts the callers of lock that have not taken it yet.
	waiting atomic.Int32
}

// lock takes l, or returns ctx's error when ctx ends first: what the
// holder waits for (a free build slot) when ctx ended at its deadline.
func (l *readLock) lock(ctx context.Context) error {
	l.once.Do(func() { l.ch = make(chan struct{}, 1) })
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	select {
	case l.ch <- struct{}{}:
		l.holder.Store(&ctx)
		return nil
	case <-ctx.Done():
		if h := l.holder.Load(); h != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			if err := cache.WaitingFor(*h); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
}

// unlock releases l, which lock took.
func (l *readLock) unlock() {
	l.holder.Store(nil)
	<-l.ch
}
