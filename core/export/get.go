package export

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/renderers"
)

// Get returns the artifact for r: from cache (HIT; after a restart, the
// last good list on disk in its place), freshly built (MISS), or, when
// building fails, the last good one (STALE).
func (s *Service) Get(ctx context.Context, r Request) (Result, error) {
	l, err := s.lookUp(ctx, r)
	if err != nil {
		return Result{}, err
	}
	s.restore(r, &l) // restore.go: the list on disk after a restart
	s.noteRequest(r, l.rd, l.k, l.nsArtifact, l.a, l.expires, l.now)
	if l.fresh(r.TTL) || l.live() && s.heldFresh(l.k.artifact, l.now, r.TTL) {
		return s.result(Result{Artifact: l.a, Status: Hit, Held: s.holdOf(l.k.artifact)}), nil
	}
	if l.a != nil && servable(r, s.heldRead(l.k.artifact, l.a.Fetched), l.now) {
		// Stale-while-revalidate: the old list now, one rebuild behind
		// it; a held one with its hold, the rule applied again by that
		// rebuild.
		res := s.revalidate(r, l.rd, l.k, l.nsArtifact, l.a, l.now)
		res.Held = s.holdOf(l.k.artifact)
		return s.result(res), nil
	}
	if err := s.heldFailed(l.k.artifact, l.now, r.TTL); err != nil { // heldfailure.go
		return Result{}, err
	}
	return s.getBuilt(ctx, r, l.rd, l.k, l.nsArtifact)
}

// Fresh is Get for a request whose list is in the cache, fresh and not
// held: it returns that HIT with Get's effects (the request noted for the
// refresh ahead of expiry, the cache result counted). For any other
// request it returns false and has no effect, and the caller goes
// through Get. It never builds or waits.
func (s *Service) Fresh(ctx context.Context, r Request) (Result, bool) {
	l, err := s.lookUp(ctx, r)
	if err != nil || !l.fresh(r.TTL) || s.holdOf(l.k.artifact) != nil {
		return Result{}, false
	}
	s.noteRequest(r, l.rd, l.k, l.nsArtifact, l.a, l.expires, l.now)
	return s.result(Result{Artifact: l.a, Status: Hit}), true
}

// lookUp is what Get and Fresh find before deciding: the request's
// renderer and keys, and its cached artifact (nil when there is none)
// as of now.
func (s *Service) lookUp(ctx context.Context, r Request) (lookUp, error) {
	rd, err := s.Renderer(r)
	if err != nil {
		return lookUp{}, err
	}
	if err := CheckAge(r.Age, s.opts.Now); err != nil {
		return lookUp{}, err
	}
	if r.Kind != KindOrg {
		// Before the cache: a list of a feed a reload removed is never
		// served again, fresh or as the last good one.
		if err := checkFeed(r.Site, r.Feed); err != nil {
			return lookUp{}, err
		}
	}
	l := lookUp{rd: rd, k: s.keyMemo.keysFor(r, s.listKeys)} // memo.go
	l.nsArtifact = s.opts.Namespace.Key(ctx, l.k.group, l.k.artifact)
	l.now = s.opts.Now()
	l.a, l.expires, _ = s.arts.Peek(l.nsArtifact)
	return l, nil
}

type lookUp struct {
	rd           renderers.Renderer
	k            keys
	nsArtifact   string
	a            *Artifact
	expires, now time.Time
}

// fresh reports whether the cached artifact can be served as a HIT.
func (l *lookUp) fresh(ttl time.Duration) bool {
	return l.live() && fresh(l.a.Fetched, l.now, ttl)
}

// live reports whether there is a cached artifact within its lifetime.
func (l *lookUp) live() bool { return l.a != nil && l.now.Before(l.expires) }

// getBuilt is Get for a list that has to be built (or waited for): apart
// from Get, so that a cache hit does not move its request to the heap.
func (s *Service) getBuilt(ctx context.Context, r Request, rd renderers.Renderer, k keys, nsArtifact string) (Result, error) {
	asked := s.opts.Now()
	var res singleflight.Result
	for try := 0; ; try++ {
		var err error
		if res, err = s.awaitBuild(ctx, r, rd, k, nsArtifact); err != nil {
			return Result{}, err
		}
		if try == maxRejoins || !refusedOther(ctx, r, res.Err) && !joinedGivenUp(ctx, res.Err) {
			break
		}
	}
	if res.Err == nil {
		return s.result(res.Val.(Result)), nil
	}
	stale, key := s.lastServed(ctx, k)
	if stale != nil && key != k.artifact { // served under former settings
		if res, ok := s.staleBuild(ctx, r, rd, k, nsArtifact, res.Err); ok { // stalebuild.go
			return s.result(res), nil
		}
	}
	// A list built under another guard may hold what this one keeps
	// out: the request fails, and devices keep the list they have.
	if stale != nil && guardChanged(key, k.artifact) {
		s.opts.Logger.Warn("list built under the former guard not served", "site", r.Site.Name, "feed", r.Feed, "output", r.Output, "error", res.Err)
		stale = nil
	}
	if stale != nil {
		if s.servesLastGood(k, stale, key, res.Err) { // else nothing is, unless built meanwhile
			s.opts.Logger.Warn("serving last good list", "site", r.Site.Name, "feed", r.Feed, "output", r.Output, "since", stale.Generated, "error", res.Err)
		}
		served, refused := s.serveLastGood(r, k, nsArtifact, stale, key, res.Err, asked)
		if served.Artifact != nil {
			return s.result(served), nil
		}
		s.opts.Logger.Warn(refused, "site", r.Site.Name, "feed", r.Feed, "output", r.Output, "error", res.Err)
	}
	return Result{}, res.Err
}

// serveLastGood is what getBuilt serves when r's build, asked for at
// asked, failed with upstream: stale, the list last served at k's URL
// (the last good list of key), or, while the list is held, what its hold
// serves in its place, STALE, kept as the list's entry until MISP
// answers. When a build from MISP accepted or held a list read no earlier
// than asked meanwhile, that list stays, and is what is served. Its
// Artifact is nil when nothing may be served: the hold's content under
// the current settings is not made (heldServed), or stale was built
// under the list's former guard or renderer options and the build under
// the current ones failed for another reason than MISP's (formerRefused);
// refused then says why, for the log.
func (s *Service) serveLastGood(r Request, k keys, nsArtifact string, stale *Artifact, key string, upstream error, asked time.Time) (_ Result, refused string) {
	t := s.accepting(k.artifact)
	defer t.mu.Unlock()
	former := stale
	stale, held := s.heldServed(k, stale, key) // hold.go
	if !t.builtRead.IsZero() && !t.builtRead.Before(asked.UTC().Truncate(time.Second)) {
		if later, _, ok := s.arts.Peek(nsArtifact); ok {
			return Result{Artifact: later, Status: Stale, Upstream: upstream, Held: s.holdOf(k.artifact)}, ""
		}
		// Gone from the cache: served once, kept as nothing.
		return Result{Artifact: stale, Status: Stale, Upstream: upstream, Held: held}, ""
	}
	if stale == nil {
		return Result{}, "held list not served: its content under the current settings is not made yet"
	}
	if !lastGoodServed(former, key, k.artifact, stale, held, upstream) {
		return Result{}, "list built under the former settings not served: its build under the current guard or renderer options failed"
	}
	s.servedFrom(nsArtifact, k, key)
	// A list refused for a budget is not kept as the list's entry: it
	// would take another's room in the cache, and its background
	// rebuilds would be free of the budget.
	if !errors.As(upstream, new(*BudgetError)) {
		read := stale.Fetched
		if held != nil {
			read = s.heldRead(k.artifact, read)
		}
		s.keepServing(r, nsArtifact, stale, read, upstream, s.opts.Now())
	}
	return Result{Artifact: stale, Status: Stale, Upstream: upstream, Held: held}, ""
}

// servesLastGood reports whether serveLastGood, as the list's holds are
// now, serves stale, of artifact key key, or what its hold serves in its
// place, when the build of k's list failed with err.
func (s *Service) servesLastGood(k keys, stale *Artifact, key string, err error) bool {
	shown, held := s.heldServed(k, stale, key)
	return shown != nil && lastGoodServed(stale, key, k.artifact, shown, held, err)
}

// lastGoodServed reports whether shown, what the hold held serves in
// place of last, of artifact key key (heldServed), may be served when the
// build of the list of artifact key current failed with err. last itself,
// not held, built under other guard rules or renderer options, is served
// only when MISP failed: another failure may be the current settings' own
// (a plugin's error, render_max_bytes), and a list built under the
// settings they replaced is not what the list is now.
func lastGoodServed(last *Artifact, key, current string, shown *Artifact, held *Hold, err error) bool {
	return shown != last || held != nil || !listSettingsChanged(key, current) || errors.As(err, new(*misp.Error))
}

// lastServed returns the list to serve STALE when a build of k's list
// failed: the list last served at k's URL, which is k's last good list,
// or, after a change of settings gave the list a new key that has none
// yet, the one built under the former settings (previousList); nil when
// there is none. key is its artifact key.
func (s *Service) lastServed(ctx context.Context, k keys) (a *Artifact, key string) {
	own, _ := s.lastGood(k.artifact)
	listed, here := s.lastListDate(ctx, k)
	return s.atURL(ctx, k, listed, here, own)
}

// awaitBuild starts the build of r's list, or joins the one running, and
// returns its result, or ctx's error when the request leaves first.
func (s *Service) awaitBuild(ctx context.Context, r Request, rd renderers.Renderer, k keys, nsArtifact string) (singleflight.Result, error) {
	// The build outlives the request that started it, but is cancelled
	// when every request waiting for it has left.
	w := s.limits.join(nsArtifact, r.Consumer)
	ch := s.arts.DoChan(nsArtifact, func() (any, error) {
		bctx, cancel := misp.WithDeadline(withWaiters(context.WithoutCancel(ctx), w), buildTimeout, s.opts.BuildTimeout)
		defer cancel()
		s.limits.started(nsArtifact, cancel)
		res, err := s.buildLeased(bctx, r, rd, k, nsArtifact) // lease.go
		return res, givenUp(bctx, err)
	})
	select {
	case <-ctx.Done():
		s.limits.leave(nsArtifact, w, true)
		return singleflight.Result{}, ctx.Err()
	case res := <-ch:
		s.limits.leave(nsArtifact, w, false)
		return res, nil
	}
}

func (s *Service) result(r Result) Result {
	if s.opts.Observer != nil {
		s.opts.Observer.CacheResult(r.Status)
	}
	return r
}

// build runs once per artifact key at a time.
func (s *Service) build(ctx context.Context, r Request, rd renderers.Renderer, k keys, nsArtifact string) (Result, error) {
	now := s.opts.Now()
	usable := func(a *Artifact) bool { return fresh(a.Fetched, now, r.TTL) && newer(ctx, a.Fetched) }
	if a, ok := s.arts.Get(nsArtifact); ok {
		if usable(a) {
			return Result{Artifact: a, Status: Hit}, nil
		}
		if !IsBackground(ctx) && s.heldFresh(k.artifact, now, r.TTL) {
			return Result{Artifact: a, Status: Hit, Held: s.holdOf(k.artifact)}, nil
		}
	}
	if res, ok := s.sharedArtifact(ctx, r, k, nsArtifact, now); ok { // lease.go
		return res, nil
	}
	// A list rendered for a consumer comes out of its render budget; a
	// background rebuild is the service's own work.
	if !IsBackground(ctx) {
		if wait := s.limits.renderWait(r.Consumer, now); wait > 0 {
			return Result{}, &BudgetError{RetryAfter: wait, Renders: true, consumer: r.Consumer}
		}
	}
	snap, err := s.snapshot(ctx, r, k)
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	built, err := s.render(ctx, r, rd, k, snap)
	if err != nil {
		return Result{}, err
	}
	a := built.a
	if s.opts.Observer != nil {
		observeBuilt(s.opts.Observer, r, rd.Info().Name, time.Since(start), a.Entries, a.Invalid)
	}
	res, err := s.acceptBuilt(ctx, r, k, nsArtifact, built, now)
	if err != nil || res.Held != nil {
		return res, err
	}
	s.arts.Publish(ctx, nsArtifact, a, r.TTL)
	if rd.Info().Versioned && r.Package != PackageTarGz {
		s.sharePrevious(ctx, k.artifact, a, built.shared) // previous_shared.go
	}
	return res, nil
}

// acceptBuilt makes the list built from MISP the list of k, or holds
// it, as the circuit breaker decides, and returns what to serve: a list
// built from the last feed snapshot meanwhile never replaces it
// (stalebuild.go). It fails when the list is held and what the hold
// serves could not be rendered (heldContent).
func (s *Service) acceptBuilt(ctx context.Context, r Request, k keys, nsArtifact string, built rendered, now time.Time) (Result, error) {
	t := s.accepting(k.artifact)
	defer t.mu.Unlock()
	a := built.a
	t.builtFrom(a.Fetched)
	baseline, baselineKey := s.baselineNow(t, k, built)
	if last, held, err := s.checkHold(ctx, r, k, a, baseline, baselineKey); held != nil {
		s.servedFrom(nsArtifact, k, baselineKey)
		if err != nil {
			return Result{}, err
		}
		s.arts.Keep(nsArtifact, last, now.Add(r.TTL), now.Add(keepFor(r)))
		return Result{Artifact: last, Status: Miss, Held: held}, nil
	}
	s.servedFrom(nsArtifact, k, k.artifact)
	s.noteListDate(ctx, k, a.Generated, built.serial)
	s.arts.Keep(nsArtifact, a, now.Add(r.TTL), now.Add(keepFor(r)))
	s.keepGood(k.artifact, a)
	t.accepted.Add(1)
	return Result{Artifact: a, Status: Miss}, nil
}

// keepGood makes a the last good list of its artifact key, in memory and
// on disk.
func (s *Service) keepGood(key string, a *Artifact) {
	s.arts.SetLastGood(key, a)
	s.persist(key, a)
}

// givenUpError is the error of a build, or a feed view, that every
// request waiting for it left: it was cancelled before it ended.
type givenUpError struct{ error }

func (e givenUpError) Unwrap() error { return e.error }

// givenUp returns err, the error of a build run in bctx, marked when every
// request waiting for the build left (bctx cancelled, not past its
// deadline).
func givenUp(bctx context.Context, err error) error {
	if err != nil && errors.Is(bctx.Err(), context.Canceled) {
		return givenUpError{err}
	}
	return err
}

// joinedGivenUp reports whether err is the error of a build given up by
// the requests that waited for it, which a request still waiting (in ctx)
// joined as it stopped: that request builds again, rather than take the
// cancellation for a failure of MISP.
func joinedGivenUp(ctx context.Context, err error) bool {
	return errors.As(err, new(givenUpError)) && ctx.Err() == nil
}
