package export

import (
	"context"
	"errors"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/renderers"
)

// staleBuild is what getBuilt serves when MISP could not be read for a
// list that has no last good list under its key yet while its URL served
// one under former settings (a reload changed a setting applied after
// MISP's answer: the guard, never_block, a renderer option; a list never
// served gets MISP's error): the list built under the current settings from the
// feed snapshot last read, MISP's last answer to the same query, served
// STALE with upstream, MISP's error. The list last served at the URL,
// built under the former settings, may hold what the new guard keeps out.
// ok is false when there is no such snapshot (a restart, another query)
// or the build fails.
func (s *Service) staleBuild(ctx context.Context, r Request, rd renderers.Renderer, k keys, nsArtifact string, upstream error) (Result, bool) {
	if !errors.As(upstream, new(*misp.Error)) || r.Kind == KindOrg ||
		!feedsnap.Selectable(r.DataType.MISPTypes) || !feedsnap.Covers(feedTypes, r.DataType.MISPTypes) {
		return Result{}, false
	}
	st, ok := s.feeds.m.Get(s.feedKey(r))
	if !ok || st.read.Load() == 0 {
		return Result{}, false
	}
	// One stale build at a time per list: the requests that failed
	// together share it.
	ch := s.arts.DoChan(nsArtifact+"|stale", func() (any, error) {
		bctx, cancel := misp.WithDeadline(context.WithoutCancel(ctx), buildTimeout, s.opts.BuildTimeout)
		defer cancel()
		return s.buildStale(bctx, r, rd, k, nsArtifact, st, upstream)
	})
	select {
	case <-ctx.Done():
		return Result{}, false
	case res := <-ch:
		if res.Err != nil {
			s.opts.Logger.Warn("list not built from the last feed snapshot", "site", r.Site.Name, "feed", r.Feed, "output", r.Output, "error", res.Err)
			return Result{}, false
		}
		return res.Val.(Result), true
	}
}

// buildStale renders st's snapshot for r under the current settings and
// accepts the list as build does, as a stale one: kept as the last good
// list of k and served until MISP answers. When a build from MISP
// accepted or held a list read no earlier than the snapshot while this
// one rendered, that list stays, and is what buildStale returns.
func (s *Service) buildStale(ctx context.Context, r Request, rd renderers.Renderer, k keys, nsArtifact string, st *feedState, upstream error) (Result, error) {
	if err := st.mu.lock(ctx); err != nil {
		return Result{}, err
	}
	feed := st.snap
	st.mu.unlock()
	if feed == nil {
		return Result{}, errors.New("no feed snapshot")
	}
	now := s.opts.Now()
	since, err := Since(r.Age, now)
	if err != nil {
		return Result{}, err
	}
	sel := feedsnap.Selection{Types: r.DataType.MISPTypes, ToIDS: !ignoresToIDS(r.Site, r.DataType), Since: since.Unix(),
		WithoutUUIDs: k.withoutUUIDs}
	snap, err := s.extractFeed(r, feed, sel, s.pairGuard(ctx, r))
	if err != nil {
		return Result{}, err
	}
	built, err := s.render(ctx, r, rd, k, snap)
	if err != nil {
		return Result{}, err
	}
	a := built.a
	t := s.accepting(k.artifact)
	defer t.mu.Unlock()
	if !t.builtRead.IsZero() && !t.builtRead.Before(a.Fetched) {
		// MISP answered a build while this one rendered, maybe from the
		// very read this one renders (same second): its list stays.
		later, _, ok := s.arts.Peek(nsArtifact)
		if !ok {
			return Result{}, errors.New("a list read later from MISP was built meanwhile")
		}
		return Result{Artifact: later, Status: Stale, Upstream: upstream, Held: s.holdOf(k.artifact)}, nil
	}
	baseline, baselineKey := s.baselineNow(t, k, built)
	if last, held, err := s.checkHold(ctx, r, k, a, baseline, baselineKey); held != nil {
		s.servedFrom(nsArtifact, k, baselineKey)
		if err != nil {
			return Result{}, err
		}
		s.keepServing(r, nsArtifact, last, s.heldRead(k.artifact, last.Fetched), upstream, now)
		return Result{Artifact: last, Status: Stale, Upstream: upstream, Held: held}, nil
	}
	s.opts.Logger.Warn("list built from the last feed snapshot", "site", r.Site.Name, "feed", r.Feed, "output", r.Output,
		"read", a.Fetched.Format(time.RFC3339), "error", upstream)
	s.servedFrom(nsArtifact, k, k.artifact)
	s.noteListDate(ctx, k, a.Generated, built.serial)
	s.keepGood(k.artifact, a)
	t.accepted.Add(1)
	s.keepServing(r, nsArtifact, a, a.Fetched, upstream, now)
	return Result{Artifact: a, Status: Stale, Upstream: upstream}, nil
}
