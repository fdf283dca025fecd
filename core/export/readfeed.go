package export

import (
	"context"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// readFeed reads st's feed from MISP, in full or as a refresh of st.snap,
// and makes the result st's snapshot. It returns the snapshot replaced
// and whether the read was full. A feed whose snapshot needs a full read
// that failed asks MISP nothing until that read's back-off is over: its
// last error is returned, and its lists are held. st.mu is held.
func (s *Service) readFeed(ctx context.Context, r Request, q misp.Query, st *feedState) (old *feedsnap.Snapshot, full bool, err error) {
	now := s.opts.Now()
	if st.snap != nil && st.fullNeeded.Required() && now.Before(st.fullRetry) {
		return nil, false, st.fullErr
	}
	release, err := s.limits.acquire(ctx, r.Site.Name)
	if err != nil {
		return nil, false, err
	}
	defer release()
	client := s.mispClient(r)
	search := func(ctx context.Context, q misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		return client.ScanAttributes(ctx, q, r.Site.PageSize, fetchParallel, newSink)
	}
	src := feedsnap.Source{Search: search, Events: client.Events, Tags: client.Tags}
	start := time.Now()
	full = s.fullReadDue(st, now)
	// Only the periodic full read is compared with the refreshed
	// snapshot: one for a tag renamed or a clock set back is expected to differ.
	periodic := full && st.fullNeeded == feedsnap.NoFullRead
	s.opts.Logger.Info("MISP pull started", "site", r.Site.Name, "kind", string(r.Kind), "feed", r.Feed, "full", full,
		"page_size", r.Site.PageSize)
	var (
		next *feedsnap.Snapshot
		cost feedsnap.Cost
	)
	if full {
		next, cost, err = feedsnap.Full(ctx, src, q, now)
		s.observeFetched(r, start, cost, err)
		if s.fullReadEnded(ctx, r, st, st.fullNeeded, err) {
			full, periodic, now, start = false, false, s.opts.Now(), time.Now()
		}
	}
	if !full {
		var fr feedsnap.FullRead
		next, cost, fr, err = feedsnap.RefreshWith(ctx, src, q, st.snap, now, feedsnap.DefaultMargin, !now.Before(st.fullRetry))
		s.observeFetched(r, start, cost, err)
		full = s.refreshEnded(ctx, r, st, fr, err)
	}
	if err != nil {
		s.opts.Logger.Warn("MISP pull failed", "site", r.Site.Name, "feed", r.Feed, "full", full, "attributes", cost.Attributes,
			"ms", millis(time.Since(start)), "error", err)
		return nil, full, err
	}
	if full && periodic && st.snap != nil {
		s.reconciled(r, feedsnap.Diff(st.snap, next))
	}
	if full {
		st.fullAt, st.fullNeeded, st.fullErr = now, feedsnap.NoFullRead, nil
	}
	old = st.snap
	st.keep(next, "", s.feeds.room(st))
	s.feeds.charge(s.feedKey(r), s.opts.Logger)
	s.sites.Set(r.Site.Name, SiteState{LastBuild: now, LastURL: r.MISPURL}, 0)
	s.opts.Logger.Info("fetched", "site", r.Site.Name, "kind", string(r.Kind), "feed", r.Feed, "full", full,
		"searches", cost.Searches, "attributes", cost.Attributes, "held", next.Attributes, "ms", millis(time.Since(start)))
	return old, full, nil
}
