package export

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/misp"
)

// Processes sharing memcached share each feed's snapshot: only the
// process holding the feed's lease reads the feed from MISP (in full or
// as a refresh); it publishes the result, and the others load it from
// memcached rather than asking MISP. What is published (feedshare_head.go)
// is a head item naming pieces: a whole snapshot, then the delta of each
// refresh since, each in feedsnap's compressed wire form, stored through
// the shared level (which chunks what exceeds one memcached item and
// checks the chunks' checksum). A process that holds an earlier
// generation loads only the deltas after it; one that just started loads
// the whole snapshot and every delta. Each piece's size and SHA-256 are
// checked against the head and the result's attribute count and read
// time against it too: a piece missing, evicted or altered makes the head
// unusable, and the process then reads MISP itself under the lease and
// publishes a whole snapshot again. Lists are never made from a
// snapshot that failed a check.

// feedShareTTL is how long a feed's head and pieces stay in memcached
// after they are written, in reconciliation periods: a whole snapshot is
// published at least once a period.
const feedShareTTL = 3

// errFeedPiece marks a shared snapshot that failed a check.
var errFeedPiece = errors.New("shared feed snapshot unusable")

// feedShareKey names r's feed in the shared level; clearing the feed's
// lists (Clear) or the cache (Flush) makes it unreachable.
func (s *Service) feedShareKey(ctx context.Context, r Request) string {
	return s.opts.Namespace.Key(ctx, feedGroup(s.feedKey(r)), "feedsnap")
}

// feedGroup is the namespace group of a feed's shared snapshot.
func feedGroup(feedKey string) string { return "feed|" + feedKey }

func feedPieceKey(key, id string) string { return key + "|" + id }

// feedHeadOf reads the head of the feed named key.
func (s *Service) feedHeadOf(ctx context.Context, key string) (feedHead, bool) {
	b, ok, err := s.shared.Get(ctx, key)
	if err != nil || !ok {
		return feedHead{}, false
	}
	return decodeFeedHead(b)
}

// sharedFeedSnapshot is feedSnapshot among processes sharing memcached:
// r's feed from the shared level when its head there is recent enough for
// r, else read from MISP under the feed's lease and published. st.mu is
// held.
func (s *Service) sharedFeedSnapshot(ctx context.Context, r Request, q misp.Query, st *feedState) (*feedsnap.Snapshot, error) {
	key := s.feedShareKey(ctx, r)
	now := s.opts.Now()
	take := func() (*feedsnap.Snapshot, bool) {
		h, ok := s.feedHeadOf(ctx, key)
		// A read that began after r began to wait is as fresh as r can
		// get, even if it took longer than r's lifetime.
		if !ok || !(feedUsable(ctx, r, now, h.read) || !h.read.Before(now) && newer(ctx, h.read.Truncate(time.Second))) || h.id() == st.badHead {
			return nil, false
		}
		if err := s.adoptFeed(ctx, r, key, h, st); err != nil {
			return nil, false
		}
		return st.snap, true
	}
	if snap, ok := take(); ok {
		return snap, nil
	}
	return leased(ctx, s, r.Site.Name, key, take, func() (*feedsnap.Snapshot, error) {
		// Refresh from the latest published snapshot, not from an older
		// one of this process's.
		prev, ok := s.feedHeadOf(ctx, key)
		if ok && prev.id() != st.shareID && prev.id() != st.badHead {
			_ = s.adoptFeed(ctx, r, key, prev, st)
		}
		baseID := st.shareID
		old, full, err := s.readFeed(ctx, r, q, st)
		if err != nil {
			return nil, err
		}
		s.publishFeed(ctx, r, key, prev, baseID, old, full, st)
		return st.snap, nil
	})
}

// dropCleared drops st's snapshot when r's feed was cleared since it was
// read, in any process sharing memcached (its key in the shared level
// changed): the next read is a full one, as in the process that cleared
// it, not a refresh of what MISP held before. st.mu is held.
func (s *Service) dropCleared(ctx context.Context, r Request, st *feedState) {
	if s.shared.Leaser() == nil {
		return
	}
	key := s.feedShareKey(ctx, r)
	if key == st.shareKey || st.snap == nil {
		st.shareKey = key
		return
	}
	s.opts.Logger.Info("feed snapshot dropped: the feed was cleared; it is read in full", "site", r.Site.Name, "feed", r.Feed)
	st.shareKey, st.snap, st.shareID, st.fullAt = key, nil, "", time.Time{}
	st.fullRetry, st.fullFailures, st.fullNeeded, st.fullErr = time.Time{}, 0, feedsnap.NoFullRead, nil
	st.prev.Store(nil)
	st.last.Store(nil)
	st.read.Store(0)
	st.bytes.Store(0)
	s.feeds.charge(s.feedKey(r), s.opts.Logger)
}

// adoptFeed makes the snapshot named by h st's own, reading from the
// shared level only the pieces after the one st holds, when it holds one
// of h's. A head that fails a check is remembered as bad.
func (s *Service) adoptFeed(ctx context.Context, r Request, key string, h feedHead, st *feedState) error {
	start := time.Now()
	snap, loaded, err := s.loadFeedPieces(ctx, key, h, st)
	if err == nil && (snap.Attributes != h.attributes || !snap.Read.Equal(h.read)) {
		err = fmt.Errorf("%w: it holds %d attributes read at %s, its head says %d read at %s", errFeedPiece,
			snap.Attributes, snap.Read, h.attributes, h.read)
	}
	if err != nil {
		st.badHead = h.id()
		s.opts.Logger.Warn("shared feed snapshot refused; reading MISP instead", "site", r.Site.Name, "feed", r.Feed,
			"generation", h.generation, "error", err)
		return err
	}
	if h.fullAt.After(st.fullAt) {
		// Read in full since: what a full read of st's own was wanted for.
		st.fullNeeded, st.fullErr = feedsnap.NoFullRead, nil
	}
	st.fullAt = h.fullAt
	st.keep(snap, h.id(), s.feeds.room(st))
	s.feeds.charge(s.feedKey(r), s.opts.Logger)
	s.opts.Logger.Info("feed snapshot taken from memcached", "site", r.Site.Name, "feed", r.Feed, "generation", h.generation,
		"pieces", loaded, "held", snap.Attributes, "ms", millis(time.Since(start)))
	return nil
}

// loadFeedPieces returns the snapshot h names and how many pieces it read.
func (s *Service) loadFeedPieces(ctx context.Context, key string, h feedHead, st *feedState) (*feedsnap.Snapshot, int, error) {
	var snap *feedsnap.Snapshot
	pieces := h.pieces
	for i, p := range h.pieces {
		if st.snap != nil && p.id == st.shareID {
			snap, pieces = st.snap, h.pieces[i+1:]
		}
	}
	for _, p := range pieces {
		b, ok, err := s.shared.Get(ctx, feedPieceKey(key, p.id))
		switch {
		case err != nil:
			return nil, 0, fmt.Errorf("%w: piece %s: %w", errFeedPiece, p.id, err)
		case !ok:
			return nil, 0, fmt.Errorf("%w: piece %s is missing", errFeedPiece, p.id)
		case len(b) != p.size || sha256.Sum256(b) != p.sum:
			return nil, 0, fmt.Errorf("%w: piece %s does not match its checksum", errFeedPiece, p.id)
		}
		d, err := feedsnap.UnmarshalDelta(b)
		if err == nil {
			snap, err = snap.Apply(d)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%w: piece %s: %w", errFeedPiece, p.id, err)
		}
	}
	if snap == nil {
		return nil, 0, fmt.Errorf("%w: no pieces", errFeedPiece)
	}
	return snap, len(pieces), nil
}

// publishFeed writes st's snapshot, just read, to the shared level: as a
// delta on prev when the read refreshed the snapshot prev names (baseID)
// and prev's deltas stay small beside its whole snapshot, else whole.
// The piece goes first, the head naming it last. A failed write leaves
// the snapshot unshared: the next read publishes it whole.
func (s *Service) publishFeed(ctx context.Context, r Request, key string, prev feedHead, baseID string, old *feedsnap.Snapshot, full bool, st *feedState) {
	ctx = context.WithoutCancel(ctx) // a client leaving does not undo the read's sharing
	start := time.Now()
	next := st.snap
	asDelta := !full && baseID != "" && baseID == prev.id() && len(prev.pieces) < maxFeedPieces
	var d feedsnap.Delta
	if asDelta {
		d = feedsnap.Changes(old, next)
	} else {
		d = feedsnap.Changes(nil, next)
	}
	wire, err := d.MarshalBinary()
	if err == nil && asDelta && 2*(prev.deltaBytes()+len(wire)) > prev.pieces[0].size {
		asDelta = false
		wire, err = feedsnap.Changes(nil, next).MarshalBinary()
	}
	if err != nil {
		s.opts.Logger.Warn("feed snapshot not shared", "site", r.Site.Name, "feed", r.Feed, "error", err)
		return
	}
	h := feedHead{generation: prev.generation + 1, read: next.Read, fullAt: st.fullAt, attributes: next.Attributes}
	piece := feedPiece{id: strconv.FormatUint(h.generation, 10) + "-" + randomHex(), size: len(wire), sum: sha256.Sum256(wire)}
	if asDelta {
		h.pieces = append(h.pieces, prev.pieces...)
	}
	h.pieces = append(h.pieces, piece)
	ttl := feedShareTTL * s.reconcileEvery()
	if err := s.shared.Set(ctx, feedPieceKey(key, piece.id), wire, ttl+leaseTerm); err != nil {
		s.opts.Logger.Warn("feed snapshot not shared", "site", r.Site.Name, "feed", r.Feed, "error", err)
		return
	}
	if err := s.shared.Set(ctx, key, h.encode(), ttl); err != nil {
		s.opts.Logger.Warn("feed snapshot not shared", "site", r.Site.Name, "feed", r.Feed, "error", err)
		return
	}
	st.shareID = piece.id
	s.opts.Logger.Info("feed snapshot shared", "site", r.Site.Name, "feed", r.Feed, "generation", h.generation,
		"delta", asDelta, "bytes", len(wire), "pieces", len(h.pieces), "ms", millis(time.Since(start)))
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
