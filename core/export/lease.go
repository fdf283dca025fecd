package export

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/workgroup"
	"github.com/cratos-project/cratos/renderers"
)

// Processes sharing memcached (replicas behind a load balancer) share
// snapshots and lists through it, and take a lease in it before a build
// that may query MISP, so only one of them rebuilds a given list or
// snapshot at a time. The others serve what they have (a list past its
// lifetime is served REVALIDATING meanwhile) or, with nothing to serve,
// wait for the holder's result to appear in memcached. A lease expires
// by itself leaseTerm after its last renewal, so a holder that dies
// blocks the others for no longer. Without memcached there is no lease:
// the process's single flights are enough.

// leaseTerm is how long a lease lasts unless its holder renews it (every
// third of it while the build runs); no longer than the build's own
// deadline. A variable so tests can shorten it.
var leaseTerm = 15 * time.Second

// Polling for another process's result starts at leasePollFirst and
// doubles up to leasePollMax.
const (
	leasePollFirst = 50 * time.Millisecond
	leasePollMax   = time.Second
	// leaseReleaseTimeout bounds the release of a lease after the build,
	// whose own context may have ended.
	leaseReleaseTimeout = 2 * time.Second
	// sharedFloor is the least time a list or snapshot stays in memcached:
	// several polls of the processes that waited for it, even when its
	// own lifetime is shorter than the build took. Whether it is still
	// fresh is judged by its date when it is read.
	sharedFloor = 10 * leasePollMax
)

// holderBase names this process in the leases it holds (host, process id
// and a random part, as a restarted process may reuse the id);
// holderSeq numbers its claims.
var (
	holderBase = func() string {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b[:])
	}()
	holderSeq atomic.Uint64
)

func newHolder() string { return holderBase + "/" + strconv.FormatUint(holderSeq.Add(1), 10) }

// leased runs build for key while holding its lease, unless lookup (the
// shared level) already has the result. When another process holds the
// lease, it polls lookup with back-off until the result appears, or takes
// the lease itself once it is free again (the holder failed or died);
// the wait ends with ctx. Without a shared level that grants leases, or
// when memcached cannot be asked (it fails, or its back-off pauses it
// after a failure), it just builds.
func leased[T any](ctx context.Context, s *Service, site, key string, lookup func() (T, bool), build func() (T, error)) (T, error) {
	l := s.shared.Leaser() // nil without memcached
	if l == nil {
		return build()
	}
	holder := newHolder()
	start, wait, logged := time.Now(), leasePollFirst, false
	for {
		got, err := l.Lease(ctx, key, holder, leaseTTL(ctx))
		if err != nil && ctx.Err() == nil {
			return build() // memcached down: every process is on its own
		}
		if got {
			return holdLease(ctx, s, l, key, holder, lookup, build)
		}
		if !logged {
			s.opts.Logger.Debug("another process is rebuilding; waiting for its result", "site", site)
			logged = true
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			var zero T
			return zero, &misp.Error{Kind: misp.Timeout, Site: site,
				Detail: fmt.Sprintf("another process was rebuilding the list; no result within %s", time.Since(start).Round(time.Millisecond))}
		case <-timer.C:
		}
		if v, ok := lookup(); ok {
			return v, nil
		}
		wait = min(2*wait, leasePollMax)
	}
}

// holdLease runs build under the lease just taken, renewing it meanwhile,
// and releases it afterwards, once the result is in the shared level. A
// result that appeared between the caller's look and the lease (its
// previous holder just finished) is taken instead of building again.
func holdLease[T any](ctx context.Context, s *Service, l cache.Leaser, key, holder string, lookup func() (T, bool), build func() (T, error)) (T, error) {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaseReleaseTimeout)
		defer cancel()
		_ = l.ReleaseLease(rctx, key, holder) // else it expires
	}()
	if v, ok := lookup(); ok {
		return v, nil
	}
	stop := renewLease(ctx, s, l, key, holder)
	defer stop()
	return build()
}

// renewLease renews the lease every third of its term until stop is
// called or the lease is lost (then another process may rebuild too: a
// second MISP query, never a wrong list).
func renewLease(ctx context.Context, s *Service, l cache.Leaser, key, holder string) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(max(leaseTTL(ctx)/3, 100*time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if ok, err := l.RenewLease(ctx, key, holder, leaseTTL(ctx)); !ok && ctx.Err() == nil {
				s.opts.Logger.Warn("lost the lease of a rebuild; another process may rebuild it too", "error", err)
				return
			}
		}
	}()
	return func() { close(done); <-exited }
}

// leaseTTL is the lease's term, cut to what is left of ctx's deadline.
func leaseTTL(ctx context.Context) time.Duration {
	ttl := leaseTerm
	if d, ok := ctx.Deadline(); ok {
		ttl = min(ttl, time.Until(d))
	}
	return max(ttl, time.Second)
}

// buildLeased is build under the list's lease: one process among those
// sharing memcached builds it; the others take its result from there.
// What is taken must be fresh for r as of now, when r began to wait, not
// as of its arrival: a pull slower than r's lifetime is still taken.
func (s *Service) buildLeased(ctx context.Context, r Request, rd renderers.Renderer, k keys, nsArtifact string) (_ Result, err error) {
	defer s.recoverBuild(r, &err)
	now := s.opts.Now()
	return leased(ctx, s, r.Site.Name, nsArtifact,
		func() (Result, bool) { return s.sharedArtifact(ctx, r, k, nsArtifact, now) },
		func() (Result, error) { return s.build(ctx, r, rd, k, nsArtifact) })
}

// ErrBuildPanicked is a build that panicked: a bug, logged with its stack.
var ErrBuildPanicked = errors.New("the list's build failed on an internal error")

// recoverBuild turns a panic of r's build into ErrBuildPanicked, its stack
// in the log. A build runs in a goroutine of its own (single-flight),
// where a panic would end the process; this way the last good list is
// served in its place and other lists are not touched.
func (s *Service) recoverBuild(r Request, err *error) {
	if p := recover(); p != nil {
		value, stack := panicOrigin(p, debug.Stack())
		s.opts.Logger.Error("list build panicked", "site", r.Site.Name, "feed", feedLabel(r), "output", r.Output,
			"panic", fmt.Sprint(value), "stack", string(stack))
		*err = ErrBuildPanicked
	}
}

// panicOrigin returns the value and stack of the panic p where it began:
// a worker's (workgroup.Panic), passed on as it is or wrapped in an error
// (by single-flight), else p and stack, where it was recovered.
func panicOrigin(p any, stack []byte) (any, []byte) {
	var wp *workgroup.Panic
	if e, ok := p.(error); ok && errors.As(e, &wp) {
		return wp.Value, wp.Stack
	}
	return p, stack
}

// fetchLeased fetches r's snapshot from MISP under the snapshot's lease;
// a process that does not get the lease takes the holder's snapshot from
// the shared level, when usable accepts it, and reports that it did (so
// it is not written back).
func (s *Service) fetchLeased(ctx context.Context, r Request, withoutUUIDs bool, nsKey string, usable func(*Snapshot) bool) (*Snapshot, bool, error) {
	type got struct {
		snap       *Snapshot
		fromShared bool
	}
	g, err := leased(ctx, s, r.Site.Name, nsKey,
		func() (got, bool) {
			snap, ok := s.snaps.FromShared(ctx, nsKey)
			return got{snap, true}, ok && usable(snap)
		},
		func() (got, error) {
			snap, err := s.fetch(ctx, r, withoutUUIDs)
			return got{snap, false}, err
		})
	return g.snap, g.fromShared, err
}

// sharedArtifact takes r's list from the shared level when it is fresh
// enough for r as of asOf (and, for a background rebuild, newer than the
// list it replaces), keeping it in process as a list built here would be,
// and held as one would be.
func (s *Service) sharedArtifact(ctx context.Context, r Request, k keys, nsArtifact string, asOf time.Time) (Result, bool) {
	a, ok := s.arts.FromShared(ctx, nsArtifact)
	if !ok || !fresh(a.Fetched, asOf, r.TTL) || !newer(ctx, a.Fetched) {
		return Result{}, false
	}
	now := s.opts.Now()
	t := s.accepting(k.artifact)
	defer t.mu.Unlock()
	t.builtFrom(a.Fetched)
	// Held as this process would hold its own build: against the list it
	// last served at the URL, which the builder may not have had.
	prev, prevKey := s.lastServed(ctx, k)
	a, held, err := s.checkHold(ctx, r, k, a, prev, prevKey)
	if err != nil {
		return Result{}, false // held, with nothing to serve: built here
	}
	if held == nil {
		prevKey = k.artifact
	}
	s.servedFrom(nsArtifact, k, prevKey)
	s.arts.Keep(nsArtifact, a, now.Add(r.TTL), now.Add(keepFor(r)))
	if held == nil {
		s.keepGood(k.artifact, a)
		s.noteTaken(ctx, k, a)
		t.accepted.Add(1)
	}
	return Result{Artifact: a, Status: Hit, Held: held}, true
}
