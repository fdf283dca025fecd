package export

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers"
)

// Errors a request can fail with before any upstream work.
var (
	ErrUnknownOutput   = errors.New("unknown output")
	ErrUnsupportedType = errors.New("output does not support this data type")
	ErrUnknownVendor   = errors.New("unknown vendor")
)

// RenderError is a renderer (or plugin) failure.
type RenderError struct {
	Renderer string
	Err      error
}

func (e *RenderError) Error() string { return fmt.Sprintf("renderer %s: %v", e.Renderer, e.Err) }

func (e *RenderError) Unwrap() error { return e.Err }

// Status says where an artifact came from.
type Status string

// Cache statuses, sent as X-Cache.
const (
	Hit   Status = "HIT"
	Miss  Status = "MISS"
	Stale Status = "STALE"
)

// Options configure a Service.
type Options struct {
	Renderers *renderers.Registry
	// Store holds the cache generations that make clearing work across
	// processes when Namespace is not set.
	Store cache.Store
	// Shared, when set, is the cross-process level (memcached) where
	// snapshots and artifacts are also written, encoded; a failure takes
	// it out of use for a second (cache.Backoff).
	Shared    cache.Store
	Namespace *cache.Namespace
	// KeySecret keys the hash that identifies a MISP key in cache keys.
	KeySecret []byte
	// HotBytes bounds the decoded artifacts, and separately the decoded
	// snapshots, kept in process (default 256 MiB each).
	HotBytes int64
	// StaleBytes bounds the last-known-good artifacts (default 256 MiB).
	StaleBytes int64
	// FeedBytes bounds the feed snapshots (default
	// config.DefaultFeedSnapshotMaxBytes); the most recent one is kept
	// even when it alone is larger.
	FeedBytes     int64
	BuildTimeout  time.Duration // default 5 minutes
	RenderTimeout time.Duration // default 2 minutes
	UserAgent     string
	Logger        *slog.Logger
	Now           func() time.Time
	Observer      Observer
	// NeverBlock is config.yaml's never_block, for every site's guard.
	NeverBlock config.NeverBlock
	// WarninglistTTL is how long MISP's warninglists are used before they
	// are read again (default guard.DefaultWarninglistTTL).
	WarninglistTTL time.Duration
	// Limits bound builds (limits.go).
	Limits Limits
	// State, when set, keeps every last good list on disk (durable.go).
	State *state.Dir
	// StateMaxAge is how long a last good list neither built nor served
	// stays in State before PruneDurable removes it; 0: never.
	StateMaxAge time.Duration
	// StateMaxBytes bounds the bytes of the last good lists in State:
	// past it the least recently built or served go (durable_budget.go);
	// 0: no bound.
	StateMaxBytes int64
	// ReconcileEvery is how often feed snapshots are read in full rather
	// than refreshed (default DefaultReconcileEvery).
	ReconcileEvery time.Duration
	// Maker names the code that renders lists (the binary's version and
	// the plugins'): a list in State made before a start under another
	// Maker is not served from disk as fresh (restore.go), only when MISP
	// fails. "": every list in State counts as made by this code.
	Maker string
}

// buildTimeout names Options.BuildTimeout in the error of a MISP read it
// ended, so it is not taken for the site's mispTimeoutSeconds.
const buildTimeout = "the build timeout"

// Observer receives what the Service does, for metrics.
type Observer interface {
	CacheResult(status Status)
	Fetched(site string, d time.Duration, attributes int, err error)
	Built(site, feed, output string, d time.Duration, entries, invalid int)
}

// Service builds and caches artifacts. It is safe for concurrent use.
type Service struct {
	opts Options
	// arts are the rendered lists: in process (a list past its lifetime
	// kept to be served while it is rebuilt), in the shared store, one
	// build at a time per list, and the last good list of each.
	arts *cache.Tier[*Artifact]
	// snaps are the indicator snapshots: in process and in the shared
	// store, one MISP query at a time per snapshot.
	snaps *cache.Tier[*Snapshot]
	// views are the feed views being made: one at a time per view
	// (feedview_flight.go).
	views singleflight.Group
	// shared is the store shared by every process, behind its back-off
	// (nil: none): the content states go there (content_shared.go).
	shared    *cache.Backoff
	content   *cache.LRU[string, *contentState] // artifact key -> content
	listDates *cache.LRU[string, listDate]      // list key -> last date given (listdate.go)
	keyIDs    *cache.LRU[string, string]        // identity -> keyed hash
	keyMemo   keyMemo                           // request -> cache keys (memo.go)
	rdMemo    rendererMemo                      // renderers found able to carry a data type
	sites     *cache.LRU[string, SiteState]     // site name -> what was last seen
	guard     *guardState
	limits    *buildLimiter
	tracks    *cache.LRU[string, *tracked]     // namespaced artifact key -> requests (refresh.go)
	acceptsOf *cache.LRU[string, *acceptState] // artifact key -> lists accepted (accept.go)
	durable   *durable
	refreshed func(nsArtifact string, err error) // tests: a background rebuild ended
	// beforeRestore, in tests, is called as a request that read the last
	// good list of key from disk is to put it in the cache (restore.go).
	beforeRestore func(key string)
	feeds         *feedTable // feedsnap.go
	// neverBlockKey names config.yaml's never_block in the cache keys.
	neverBlockKey string
	collect       collection // after a large list's sort (fetch.go)
}

// Bounds of the tables kept per MISP key identity and per site.
const (
	maxKeyIDs = 10000
	maxSites  = 4096
)

// SiteState is what the service last saw of a site.
type SiteState struct {
	// LastBuild is when a list was last built from MISP successfully.
	LastBuild time.Time
	// LastURL is the MISP base URL of that build.
	LastURL string
}

// SiteState returns what the service last saw of site.
func (s *Service) SiteState(site string) SiteState {
	st, _ := s.sites.Get(site)
	return st
}

// New returns a Service.
func New(opts Options) *Service {
	if opts.HotBytes <= 0 {
		opts.HotBytes = 256 << 20
	}
	if opts.StaleBytes <= 0 {
		opts.StaleBytes = 256 << 20
	}
	if opts.FeedBytes <= 0 {
		opts.FeedBytes = config.DefaultFeedSnapshotMaxBytes
	}
	if opts.BuildTimeout <= 0 {
		opts.BuildTimeout = 5 * time.Minute
	}
	if opts.RenderTimeout <= 0 {
		opts.RenderTimeout = DefaultRenderTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Namespace == nil {
		opts.Namespace = cache.NewNamespace(opts.Store, time.Second)
	}
	shared := cache.NewBackoff(opts.Shared, 0, opts.Logger)
	s := &Service{opts: opts, shared: shared, guard: newGuardState(opts), limits: newBuildLimiter(opts.Limits), durable: newDurable(opts.State, opts.StateMaxBytes, opts.Maker, opts.Now()),
		arts: cache.NewTier(cache.TierOptions[*Artifact]{LocalBytes: opts.HotBytes, LastGoodBytes: opts.StaleBytes, SizeOf: artifactSize,
			Encode: encodeArtifact, Decode: decodeArtifact, Shared: shared, Clock: opts.Now, SharedFloor: sharedFloor}),
		snaps: cache.NewTier(cache.TierOptions[*Snapshot]{LocalBytes: opts.HotBytes, SizeOf: snapshotSize,
			Encode: encodeSnapshot, Decode: decodeSnapshot, Shared: shared, Clock: opts.Now, SharedFloor: sharedFloor}),
		content:       cache.NewLRU(cache.LRUOptions[string, *contentState]{MaxItems: maxLists}),
		listDates:     cache.NewLRU(cache.LRUOptions[string, listDate]{MaxItems: maxLists}),
		tracks:        cache.NewLRU(cache.LRUOptions[string, *tracked]{MaxItems: maxLists}),
		acceptsOf:     cache.NewLRU(cache.LRUOptions[string, *acceptState]{MaxItems: maxLists}),
		keyIDs:        cache.NewLRU(cache.LRUOptions[string, string]{MaxItems: maxKeyIDs}),
		sites:         cache.NewLRU(cache.LRUOptions[string, SiteState]{MaxItems: maxSites}),
		feeds:         newFeedTable(opts.FeedBytes),
		collect:       collection{at: collectLargeListAt, run: runtime.GC},
		keyMemo:       newKeyMemo(),
		neverBlockKey: neverBlockKey(opts.NeverBlock),
		rdMemo:        newRendererMemo(),
	}
	s.trimAtStart() // durable_budget.go
	return s
}

// Clear forgets every cached entry of r's feed for its site and r's MISP
// key identity (all outputs): a token clears only what its own key sees.
// The last good lists are kept for MISP outages.
func (s *Service) Clear(ctx context.Context, r Request) error {
	k := s.keysFor(r)
	if err := s.forgetFeed(ctx, r); err != nil {
		return err
	}
	return s.clearGroup(ctx, k.group) // clear.go
}

// Flush forgets every cached entry of every site.
func (s *Service) Flush(ctx context.Context) error {
	s.arts.Clear()
	s.snaps.Clear()
	s.feeds.clear()
	s.markCleared("") // restore.go
	return s.opts.Namespace.Flush(ctx)
}
