package export

import (
	"context"
	"errors"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
)

func (s *Service) reconcileEvery() time.Duration {
	if s.opts.ReconcileEvery <= 0 {
		return DefaultReconcileEvery
	}
	return s.opts.ReconcileEvery
}

// reconciled logs and counts how a full read differed from the refreshed
// snapshot it replaces.
func (s *Service) reconciled(r Request, d feedsnap.Difference) {
	if d.Total() == 0 {
		return
	}
	s.feeds.differences.Add(int64(d.Total()))
	s.opts.Logger.Warn("full read differs from the refreshed feed snapshot", "site", r.Site.Name, "feed", r.Feed,
		"missing", d.Missing, "extra", d.Extra, "changed", d.Changed)
	if o, ok := s.opts.Observer.(FeedObserver); ok {
		o.Reconciled(r.Site.Name, r.Feed, d)
	}
}

// fullRetryFirst is how long a feed whose full read failed waits before
// its full read is tried again; the wait doubles with each failure, up to
// the reconciliation period.
const fullRetryFirst = 5 * time.Minute

// fullReadDue reports whether st's next read at now is a full one: its
// first, one a reconciliation period after the last full read, or one a
// refresh decided on that failed, unless a failed one waits for its
// back-off. st.mu is held.
func (s *Service) fullReadDue(st *feedState, now time.Time) bool {
	return st.snap == nil ||
		(now.Sub(st.fullAt) >= s.reconcileEvery() || st.fullNeeded != feedsnap.NoFullRead) && !now.Before(st.fullRetry)
}

// fullReadEnded records how st's full read, made for why (NoFullRead: the
// periodic one), ended, and reports whether it failed in a way a refresh
// of st's snapshot replaces: a MISP that fails large searches and answers
// small ones still has the feed refreshed, its lists current, while the
// full read waits for its back-off, counted from its end (a read that
// failed at the build timeout took that long). One the snapshot needs
// (why.Required) is not replaced: the feed's lists are held, and MISP not
// asked, until its back-off is over. A read its caller abandoned says
// nothing of MISP: nothing is recorded. st.mu is held.
func (s *Service) fullReadEnded(ctx context.Context, r Request, st *feedState, why feedsnap.FullReason, err error) (refresh bool) {
	if err == nil {
		st.fullFailures, st.fullRetry = 0, time.Time{}
		return false
	}
	if st.snap == nil || errors.Is(ctx.Err(), context.Canceled) {
		return false
	}
	wait := fullRetryFirst << min(st.fullFailures, 16)
	wait = min(wait, s.reconcileEvery())
	st.fullFailures++
	st.fullRetry = s.opts.Now().Add(wait)
	reason := "reconcile_seconds"
	if why != feedsnap.NoFullRead {
		reason = why.String()
	}
	if why.Required() {
		st.fullNeeded, st.fullErr = why, err
		s.opts.Logger.Warn("full read failed; the feed's last good lists are served, within max_stale_seconds, until it succeeds", "site", r.Site.Name,
			"feed", r.Feed, "reason", reason, "failures", st.fullFailures, "retry_in", wait.String(), "error", err)
		return false
	}
	if why == feedsnap.ClockSetBack {
		st.fullNeeded = why
	}
	s.opts.Logger.Warn("full read failed; the feed is refreshed instead until it is tried again", "site", r.Site.Name,
		"feed", r.Feed, "reason", reason, "failures", st.fullFailures, "retry_in", wait.String(), "error", err)
	return ctx.Err() == nil
}

// refreshEnded records how a refresh of st's feed went about a full read
// (fr), the refresh ending with err, and reports whether the feed was read
// in full, or tried. st.mu is held.
func (s *Service) refreshEnded(ctx context.Context, r Request, st *feedState, fr feedsnap.FullRead, err error) (full bool) {
	switch {
	case fr.Done:
		s.fullReadEnded(ctx, r, st, fr.Reason, nil)
		return true
	case fr.Err != nil:
		s.fullReadEnded(ctx, r, st, fr.Reason, fr.Err)
	case fr.Reason == feedsnap.TagsRenamed && err != nil:
		s.fullReadEnded(ctx, r, st, fr.Reason, err)
		return true
	}
	// A full read for an event index that failed fails as any read of a
	// MISP that is down: the next rebuild tries again.
	return fr.Reason != feedsnap.NoFullRead && !fr.Done && err != nil
}

// observeFetched reports a MISP read of r's feed begun at start.
func (s *Service) observeFetched(r Request, start time.Time, cost feedsnap.Cost, err error) {
	if s.opts.Observer != nil {
		s.opts.Observer.Fetched(r.Site.Name, time.Since(start), cost.Attributes, err)
	}
}
