package export

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/renderers"
)

// Revalidating is the status of a list served past its lifetime, within
// the site's maximum staleness, while one background rebuild runs.
const Revalidating Status = "REVALIDATING"

// DefaultMaxStale is how long past its lifetime a list is still served
// at once while it is rebuilt (site key max_stale_seconds).
const DefaultMaxStale = 24 * time.Hour

// refreshRetry is how long after a failed background rebuild of a list
// the next one may start.
const refreshRetry = 10 * time.Second

// MaxStale returns the site's maximum staleness; zero when a list past
// its lifetime is never served without a rebuild.
func MaxStale(site *config.Site) time.Duration {
	switch {
	case site.MaxStaleSeconds < 0:
		return 0
	case site.MaxStaleSeconds == 0:
		return DefaultMaxStale
	}
	return time.Duration(site.MaxStaleSeconds) * time.Second
}

type backgroundKey struct{}

// background marks a rebuild that no request waits for; after is the
// fetch time of the list it replaces: cached entries not newer than it
// are not reused.
type background struct{ after time.Time }

// IsBackground reports whether ctx is that of a background rebuild
// (stale-while-revalidate or refresh-ahead): no request waits for it, and
// it must not be cancelled for that reason.
func IsBackground(ctx context.Context) bool {
	_, ok := ctx.Value(backgroundKey{}).(*background)
	return ok
}

// newer reports whether a cached entry fetched at fetched may be reused
// by the build running in ctx: always, except by a background rebuild,
// which wants something newer than the list it replaces.
func newer(ctx context.Context, fetched time.Time) bool {
	b, ok := ctx.Value(backgroundKey{}).(*background)
	return !ok || fetched.After(b.after)
}

// tracked is what the service remembers of one artifact key's requests.
type tracked struct {
	lastRequest atomic.Int64 // unix nanoseconds
	observed    atomic.Int64 // unix nanoseconds of the last request told to the observer
	refreshing  atomic.Bool
	failedAt    atomic.Int64 // unix nanoseconds of the last failed background rebuild
	lastErr     atomic.Pointer[error]
	touched     atomic.Int64           // unix nanoseconds of the request that last took its record up for dating (durable_prune.go)
	record      atomic.Pointer[string] // the name of its record on disk, once served
}

// track returns the request record of a namespaced artifact key.
func (s *Service) track(key string) *tracked {
	if t, ok := s.tracks.Get(key); ok {
		return t
	}
	t, _ := s.tracks.LoadOrStore(key, &tracked{})
	return t
}

// servable reports whether a list MISP was read for at read, past its
// lifetime for r, may still be served while it is rebuilt.
func servable(r Request, read, now time.Time) bool {
	maxStale := MaxStale(r.Site)
	return !r.WaitFresh && maxStale > 0 && !read.IsZero() && now.Sub(read) < r.TTL+maxStale
}

// keepFor is how long a built artifact stays in the hot cache: its
// lifetime, then its maximum staleness.
func keepFor(r Request) time.Duration { return r.TTL + MaxStale(r.Site) }

// noteRequest records a request for the list a (nil when there is none)
// and, when a is fresh but in the last tenth of its lifetime (expires)
// and was already requested during that lifetime (a device pulling it on
// a schedule), starts its background rebuild so the next pull does not
// wait.
func (s *Service) noteRequest(r Request, rd renderers.Renderer, k keys, nsArtifact string, a *Artifact, expires, now time.Time) {
	t := s.track(nsArtifact)
	prev := time.Unix(0, t.lastRequest.Swap(now.UnixNano()))
	s.observeRequested(t, r, rd, now)
	s.noteServed(t, k.artifact, k.list, now)
	if a == nil || a.Fetched.IsZero() || r.TTL <= 0 || !now.Before(expires) {
		return
	}
	read := s.heldRead(k.artifact, a.Fetched)
	if fresh(read, now, r.TTL) && expires.Sub(now) <= r.TTL/10 && !prev.Before(read) {
		s.revalidate(r, rd, k, nsArtifact, a, now)
	}
}

// observeInterval is how often at most a list's requests are told to the
// observer: it wants to know the lists still asked for (within a day),
// not each request of a cache hit.
const observeInterval = time.Minute

// observeRequested tells the observer that r's list (tracked as t) was
// asked for, unless it was told less than observeInterval ago.
func (s *Service) observeRequested(t *tracked, r Request, rd renderers.Renderer, now time.Time) {
	if s.opts.Observer == nil {
		return
	}
	last := t.observed.Load()
	if now.UnixNano()-last < int64(observeInterval) || !t.observed.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	observeRequested(s.opts.Observer, r, rd.Info().Name)
}

// revalidate starts the background rebuild of the list a, unless one is
// running or the last one failed less than refreshRetry ago, and returns
// the result serving a meanwhile: REVALIDATING, or STALE with the error
// when a background rebuild failed since MISP was last read for a (while
// a is held, at the hold's last rebuild: heldRead). The rebuild goes
// through build like any other: the same single flight, hold check and
// build timeout, detached from the request.
func (s *Service) revalidate(r Request, rd renderers.Renderer, k keys, nsArtifact string, a *Artifact, now time.Time) Result {
	t := s.track(nsArtifact)
	res := Result{Artifact: a, Status: Revalidating}
	read := s.heldRead(k.artifact, a.Fetched)
	if failed := time.Unix(0, t.failedAt.Load()); failed.After(read) {
		if err := t.lastErr.Load(); err != nil {
			res.Status, res.Upstream = Stale, *err
		}
		if now.Sub(failed) < refreshRetry {
			return res
		}
	}
	if !t.refreshing.CompareAndSwap(false, true) {
		return res
	}
	bctx := context.WithValue(context.Background(), backgroundKey{}, &background{after: read})
	rebuild := func() (any, error) {
		ctx, cancel := misp.WithDeadline(bctx, buildTimeout, s.opts.BuildTimeout)
		defer cancel()
		return s.buildLeased(ctx, r, rd, k, nsArtifact) // lease.go
	}
	ch := s.arts.DoChan(nsArtifact, rebuild)
	go func() {
		res := <-ch
		// A request's build that it joined may have been refused for
		// that request's budget, or given up by every request waiting
		// for it: neither is a failure of the list.
		for try := 0; try < maxRejoins && (refusedOther(bctx, r, res.Err) || joinedGivenUp(bctx, res.Err)); try++ {
			res = <-s.arts.DoChan(nsArtifact, rebuild)
		}
		if res.Err != nil {
			t.lastErr.Store(&res.Err)
			t.failedAt.Store(s.opts.Now().UnixNano())
			s.opts.Logger.Warn("background rebuild failed; serving the previous list", "site", r.Site.Name, "feed", feedLabel(r),
				"output", r.Output, "fetched", a.Fetched, "error", res.Err)
		}
		t.refreshing.Store(false)
		if s.refreshed != nil {
			s.refreshed(nsArtifact, res.Err)
		}
	}()
	return res
}

// keepServing is called when a request's rebuild failed and the last
// good list a, as fresh as a MISP read at read, was served instead:
// within the maximum staleness, a is kept as the expired entry of the
// list, so the next requests are served it at once (STALE, with err)
// while background rebuilds retry, rather than each waiting for MISP.
func (s *Service) keepServing(r Request, nsArtifact string, a *Artifact, read time.Time, err error, now time.Time) {
	if !servable(r, read, now) {
		return
	}
	t := s.track(nsArtifact)
	t.lastErr.Store(&err)
	t.failedAt.Store(now.UnixNano())
	s.arts.Keep(nsArtifact, a, now, read.Add(keepFor(r)))
}
