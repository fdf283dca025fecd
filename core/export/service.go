package export

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers"
)

// expandBudget is the site's ipv4ext budget (the zero Site in tests has
// the default).
func expandBudget(site *config.Site) int {
	if site.ExpandMax == 0 {
		return indicator.DefaultExpandBudget
	}
	return site.ExpandMax
}

// fetchParallel is how many restSearch pages are fetched and decoded at
// once for one feed.
const fetchParallel = 2

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

// Request is one list request, already authenticated.
type Request struct {
	Site             *config.Site
	MISPURL, MISPKey string
	Kind             Kind
	Feed             string // feed name (feed and vendor routes)
	Org              string // organisation uuid (uuid route)
	Vendor           string // paloalto or cisco (vendor route)
	DataType         indicator.DataType
	Age              string
	Output           string // renderer name (feed and uuid routes)
	TTL              time.Duration
	// RendererOptions override the site's options for this renderer.
	RendererOptions map[string]string
	// Package, when set, wraps the list (PackageTarGz).
	Package string
	// Consumer identifies the caller for the cold-build budget.
	Consumer string
	// WaitFresh makes a list past its lifetime wait for its rebuild
	// rather than be served while it is rebuilt (refresh.go).
	WaitFresh bool
}

// rendererOptions returns the site's options for renderer name with the
// request's overrides applied.
func (r Request) rendererOptions(name string) map[string]string {
	site := r.Site.Renderers[name]
	if len(r.RendererOptions) == 0 {
		return site
	}
	out := make(map[string]string, len(site)+len(r.RendererOptions))
	for k, v := range site {
		out[k] = v
	}
	for k, v := range r.RendererOptions {
		out[k] = v
	}
	return out
}

// Result is a served artifact.
type Result struct {
	*Artifact
	Status Status
	// Upstream is the failure that made a STALE result necessary.
	Upstream error
	// Held, when set, says that the circuit breaker held the rebuilt list
	// and this is the last good one.
	Held *Hold
}

// Options configure a Service.
type Options struct {
	Renderers *renderers.Registry
	// Store holds the cache generations that make clearing work across
	// processes (the tiered cache). Required.
	Store cache.Store
	// Shared, when set, is the cross-process level (memcached) where
	// snapshots and artifacts are also written, encoded.
	Shared    cache.Store
	Namespace *cache.Namespace
	// KeySecret keys the hash that identifies a MISP key in cache keys.
	KeySecret []byte
	// HotBytes bounds the decoded artifacts, and separately the decoded
	// snapshots, kept in process (default 256 MiB each).
	HotBytes int64
	// StaleBytes bounds the last-known-good artifacts (default 256 MiB).
	StaleBytes    int64
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
	// ReconcileEvery is how often feed snapshots are read in full rather
	// than refreshed (default DefaultReconcileEvery).
	ReconcileEvery time.Duration
}

// Observer receives what the Service does, for metrics.
type Observer interface {
	CacheResult(status Status)
	Fetched(site string, d time.Duration, attributes int, err error)
	Built(site, feed, output string, d time.Duration, entries, invalid int)
}

// Service builds and caches artifacts. It is safe for concurrent use.
type Service struct {
	opts       Options
	hot        *lru[*Artifact]
	lkg        *lru[*Artifact]
	snaps      *lru[*Snapshot]
	flights    singleflight.Group
	content    sync.Map // lkg key -> *contentState
	keyIDs     sync.Map // identity -> keyed hash
	keyIDCount atomic.Int64
	sites      sync.Map // site name -> SiteState
	guard      *guardState
	limits     *buildLimiter
	tracks     trackTable // refresh.go
	durable    *durable
	refreshed  func(nsArtifact string, err error) // tests: a background rebuild ended
	feeds      feedTable                          // feedsnap.go
}

// SiteState is what the service last saw of a site.
type SiteState struct {
	// LastBuild is when a list was last built from MISP successfully.
	LastBuild time.Time
	// LastURL is the MISP base URL of that build.
	LastURL string
}

// SiteState returns what the service last saw of site.
func (s *Service) SiteState(site string) SiteState {
	v, _ := s.sites.Load(site)
	st, _ := v.(SiteState)
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
	lkg := newLRU(opts.StaleBytes, artifactSize)
	lkg.keepLast = true
	return &Service{opts: opts, hot: newLRU(opts.HotBytes, artifactSize), lkg: lkg, snaps: newLRU(opts.HotBytes, snapshotSize), guard: newGuardState(opts),
		limits: newBuildLimiter(opts.Limits), durable: newDurable(opts.State)}
}

// Renderer resolves the renderer a request names and checks that it can
// carry the data type.
func (s *Service) Renderer(r Request) (renderers.Renderer, error) {
	name := r.Output
	if r.Kind == KindVendor {
		switch r.Vendor {
		case "paloalto", "cisco":
			name = "txt"
		default:
			return nil, fmt.Errorf("vendor %q: %w", r.Vendor, ErrUnknownVendor)
		}
	}
	if r.Package != "" && r.Package != PackageTarGz {
		return nil, fmt.Errorf("package %q: %w", r.Package, ErrUnknownPackage)
	}
	rd, ok := s.opts.Renderers.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("output %q: %w (valid: %s)", name, ErrUnknownOutput, strings.Join(s.opts.Renderers.Names(), ", "))
	}
	info := rd.Info()
	if !slices.ContainsFunc(info.Types, r.DataType.Yields.Has) {
		return nil, fmt.Errorf("output %q cannot carry data type %q: %w", name, r.DataType.Name, ErrUnsupportedType)
	}
	return rd, nil
}

// keys names a request's cache entries. group gathers every output of
// one feed for one site and one MISP key identity, for clearing.
type keys struct {
	group, snapshot, artifact string
}

func (s *Service) keysFor(r Request) keys {
	keyID := s.keyID(r.Site.Name + "\x00" + r.MISPURL + "\x00" + r.MISPKey)
	selector := r.Feed
	kind := KindFeed
	if r.Kind == KindOrg {
		selector, kind = r.Org, KindOrg
	}
	group := strings.Join([]string{keyID, r.Site.Name, string(kind), selector, r.DataType.Name, r.Age}, "|")
	snapshot := "snap|" + keyID + "|" + group + "|" + strings.Join(r.DataType.MISPTypes, ",") + "|" + strconv.Itoa(r.Site.ExpandLimit) + "/" + strconv.Itoa(r.Site.ExpandMax)
	out := "out:" + r.Output
	if r.Kind == KindVendor {
		out = "vendor:" + r.Vendor
	}
	artifact := "art|" + snapshot + "|" + out + "|" + optionsDigest(r.rendererOptions(r.Output)) + "|" + r.Package
	return keys{group: group, snapshot: snapshot, artifact: artifact}
}

// keyID returns the keyed hash naming a (site, MISP URL, MISP key) in
// cache keys, remembered so a hit costs no HMAC. The table is bounded.
func (s *Service) keyID(ident string) string {
	if v, ok := s.keyIDs.Load(ident); ok {
		return v.(string)
	}
	mac := hmac.New(sha256.New, s.opts.KeySecret)
	mac.Write([]byte(ident))
	id := hex.EncodeToString(mac.Sum(nil)[:12])
	if s.keyIDCount.Add(1) > 10000 {
		s.keyIDs.Clear()
		s.keyIDCount.Store(0)
	}
	s.keyIDs.Store(ident, id)
	return id
}

func optionsDigest(opts map[string]string) string {
	if len(opts) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "\x00" + opts[k] + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Get returns the artifact for r: from cache (HIT), freshly built (MISS),
// or, when building fails, the last good one (STALE).
func (s *Service) Get(ctx context.Context, r Request) (Result, error) {
	rd, err := s.Renderer(r)
	if err != nil {
		return Result{}, err
	}
	if _, err := Since(r.Age, s.opts.Now()); err != nil {
		return Result{}, err
	}
	k := s.keysFor(r)
	nsArtifact := s.opts.Namespace.Key(ctx, k.group, k.artifact)
	now := s.opts.Now()
	a, expires, ok := s.hot.peek(nsArtifact, now)
	s.noteRequest(r, rd, k, nsArtifact, a, expires, now)
	if ok && now.Before(expires) && fresh(a.Fetched, now, r.TTL) {
		return s.result(Result{Artifact: a, Status: Hit, Held: s.holdOf(k.artifact)}), nil
	}
	if ok && servable(r, a, now) && s.holdOf(k.artifact) == nil {
		// Stale-while-revalidate: the old list now, one rebuild behind it.
		return s.result(s.revalidate(r, rd, k, nsArtifact, a, now)), nil
	}
	// The build outlives the request that started it, but is cancelled
	// when every request waiting for it has left.
	w := s.limits.join(nsArtifact)
	ch := s.flights.DoChan(nsArtifact, func() (any, error) {
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.BuildTimeout)
		defer cancel()
		s.limits.started(nsArtifact, cancel)
		return s.build(bctx, r, rd, k, nsArtifact)
	})
	select {
	case <-ctx.Done():
		s.limits.leave(nsArtifact, w, true)
		return Result{}, ctx.Err()
	case res := <-ch:
		s.limits.leave(nsArtifact, w, false)
		if res.Err == nil {
			return s.result(res.Val.(Result)), nil
		}
		if stale, ok := s.lastGood(k.artifact); ok {
			s.opts.Logger.Warn("serving last good list", "site", r.Site.Name, "feed", r.Feed, "output", r.Output, "since", stale.Generated, "error", res.Err)
			s.keepServing(r, nsArtifact, stale, res.Err, s.opts.Now())
			return s.result(Result{Artifact: stale, Status: Stale, Upstream: res.Err}), nil
		}
		return Result{}, res.Err
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
	if a, ok := s.hot.get(nsArtifact, now); ok && fresh(a.Fetched, now, r.TTL) && newer(ctx, a.Fetched) {
		return Result{Artifact: a, Status: Hit}, nil
	}
	if s.opts.Shared != nil {
		if b, ok, _ := s.opts.Shared.Get(ctx, nsArtifact); ok {
			if a, err := decodeArtifact(b); err == nil && fresh(a.Fetched, now, r.TTL) && newer(ctx, a.Fetched) {
				a, held := s.checkHold(r, k, a)
				s.hot.setKeep(nsArtifact, a, now.Add(r.TTL), now.Add(keepFor(r)))
				if held == nil {
					s.lkg.set(k.artifact, a, time.Time{})
					s.persist(k.artifact, a)
				}
				return Result{Artifact: a, Status: Hit, Held: held}, nil
			}
		}
	}
	snap, err := s.snapshot(ctx, r, k)
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	a, err := s.render(ctx, r, rd, k, snap)
	if err != nil {
		return Result{}, err
	}
	if s.opts.Observer != nil {
		observeBuilt(s.opts.Observer, r, rd.Info().Name, time.Since(start), a.Entries, a.Invalid)
	}
	if last, held := s.checkHold(r, k, a); held != nil {
		s.hot.setKeep(nsArtifact, last, now.Add(r.TTL), now.Add(keepFor(r)))
		return Result{Artifact: last, Status: Miss, Held: held}, nil
	}
	s.hot.setKeep(nsArtifact, a, now.Add(r.TTL), now.Add(keepFor(r)))
	s.lkg.set(k.artifact, a, time.Time{})
	s.persist(k.artifact, a)
	if s.opts.Shared != nil {
		_ = s.opts.Shared.Set(ctx, nsArtifact, encodeArtifact(a), r.TTL)
	}
	return Result{Artifact: a, Status: Miss}, nil
}

// snapshot returns the cached snapshot of r's query, or fetches it from
// MISP, once at a time per key. Snapshots are kept decoded in process;
// with a shared level (memcached) they are also written there, encoded,
// for the other processes.
func (s *Service) snapshot(ctx context.Context, r Request, k keys) (*Snapshot, error) {
	nsKey := s.opts.Namespace.Key(ctx, k.group, k.snapshot)
	now := s.opts.Now()
	if snap, ok := s.snaps.get(nsKey, now); ok && fresh(snap.Fetched, now, r.TTL) && newer(ctx, snap.Fetched) && !s.feedNewer(r, snap.Fetched) {
		return snap, nil
	}
	if s.opts.Shared != nil {
		if b, ok, _ := s.opts.Shared.Get(ctx, nsKey); ok {
			if snap, err := decodeSnapshot(b); err == nil && fresh(snap.Fetched, now, r.TTL) && newer(ctx, snap.Fetched) && !s.feedNewer(r, snap.Fetched) {
				s.snaps.set(nsKey, snap, now.Add(r.TTL))
				return snap, nil
			}
		}
	}
	v, err, _ := s.flights.Do(nsKey, func() (any, error) {
		// A background rebuild is the service's own work, not a
		// consumer's: it takes nothing from the cold-build budget.
		if !IsBackground(ctx) && !s.limits.coldAllowed(r.Consumer, now) {
			return nil, ErrBuildBudget
		}
		snap, err := s.fetch(ctx, r)
		if err != nil {
			return nil, err
		}
		s.snaps.set(nsKey, snap, now.Add(r.TTL))
		if s.opts.Shared != nil {
			_ = s.opts.Shared.Set(ctx, nsKey, encodeSnapshot(snap), r.TTL)
		}
		return snap, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Snapshot), nil
}

// fetch queries MISP and canonicalises what it returns.
func (s *Service) fetch(ctx context.Context, r Request) (*Snapshot, error) {
	if snap, ok, err := s.fetchFromFeed(ctx, r); ok {
		return snap, err
	}
	now := s.opts.Now()
	since, err := Since(r.Age, now)
	if err != nil {
		return nil, err
	}
	q, err := BuildQuery(r.Site, r.Kind, r.Feed, r.Org, r.DataType, since)
	if err != nil {
		return nil, err
	}
	client := s.mispClient(r)
	// Each paging worker extracts into its own slice; they are merged and
	// sorted once at the end.
	type part struct {
		x   *indicator.Extractor
		ins []indicator.Indicator
	}
	var (
		partsMu sync.Mutex
		parts   []*part
	)
	// Nets are expanded after the merge, under the site's total budget,
	// so the result does not depend on which page a net came in.
	expandLater := r.DataType.Yields.Has(indicator.IPv4) && r.DataType.Yields.Has(indicator.IPv4Net)
	limit := r.Site.ExpandLimit
	if expandLater {
		limit = -1
	}
	newSink := func() func(indicator.Attribute) {
		p := &part{x: indicator.NewExtractor(r.DataType, limit)}
		partsMu.Lock()
		parts = append(parts, p)
		partsMu.Unlock()
		return func(a indicator.Attribute) { p.ins = p.x.Add(p.ins, a) }
	}
	release, err := s.limits.acquire(ctx, r.Site.Name)
	if err != nil {
		return nil, err
	}
	defer release()
	start := time.Now()
	s.opts.Logger.Info("MISP pull started", "site", r.Site.Name, "kind", string(r.Kind), "feed", r.Feed, "type", r.DataType.Name,
		"age", r.Age, "page_size", r.Site.PageSize)
	n, err := client.SearchAttributes(ctx, q, r.Site.PageSize, fetchParallel, newSink)
	if s.opts.Observer != nil {
		s.opts.Observer.Fetched(r.Site.Name, time.Since(start), n, err)
	}
	if err != nil {
		s.opts.Logger.Warn("MISP pull failed", "site", r.Site.Name, "kind", string(r.Kind), "feed", r.Feed, "type", r.DataType.Name,
			"attributes", n, "ms", millis(time.Since(start)), "error", err)
		return nil, err
	}
	total := 0
	for _, p := range parts {
		total += len(p.ins)
	}
	ins := make([]indicator.Indicator, 0, total)
	var st indicator.Stats
	for _, p := range parts {
		ins = append(ins, p.ins...)
		st.Add(p.x.Stats())
	}
	parts = nil
	ins = indicator.Normalize(ins)
	var refused []indicator.Indicator
	if expandLater {
		ins, refused = s.guardNets(r, ins)
		ins, st.Expanded, st.KeptNets = indicator.ExpandNets(ins, r.Site.ExpandLimit, expandBudget(r.Site))
	}
	s.sites.Store(r.Site.Name, SiteState{LastBuild: now, LastURL: r.MISPURL})
	s.opts.Logger.Info("fetched", "site", r.Site.Name, "kind", string(r.Kind), "feed", r.Feed, "type", r.DataType.Name,
		"age", r.Age, "attributes", n, "indicators", len(ins), "invalid", st.Invalid, "skipped", st.Skipped,
		"kept_nets", st.KeptNets, "ms", millis(time.Since(start)))
	return &Snapshot{Fetched: now.UTC().Truncate(time.Second), Indicators: ins, Stats: st, Refused: refused}, nil
}

// render turns a snapshot into an artifact.
func (s *Service) render(ctx context.Context, r Request, rd renderers.Renderer, k keys, snap *Snapshot) (*Artifact, error) {
	info := rd.Info()
	types := indicator.SetOf(info.Types...) & r.DataType.Yields
	in, guardDropped := guarded(s.Policy(ctx, r), snap.Indicators, types)
	if o, ok := s.opts.Observer.(GuardObserver); ok {
		o.GuardKeptOut(r.Site.Name, feedLabel(r), info.Name, guardDropped)
	}
	if r.Kind == KindVendor && r.Vendor == "paloalto" {
		in = stripSchemes(in)
	}
	opts := r.rendererOptions(info.Name)
	if r.Kind == KindVendor {
		opts = nil
	}
	// The list is dated by when its content last changed, not by when
	// MISP was last read, so an unchanged list keeps its bytes, ETag and
	// checksum across rebuilds and pollers get 304s.
	since, serial := s.contentSince(k.artifact, in, snap.Fetched)
	if takesOption(info, "serial") && opts["serial"] == "" {
		opts = withOption(opts, "serial", strconv.FormatUint(uint64(serial), 10))
	}
	entries := 0
	counted := func(yield func(indicator.Indicator) bool) {
		for i := range in {
			entries++
			if !yield(i) {
				return
			}
		}
	}
	var mu sync.Mutex
	dropped := map[string]int{}
	for k, n := range guardDropped {
		dropped[k] += n
	}
	for k, n := range refusedCounts(s.basePolicy(r), snap.Refused) {
		dropped[k] += n
	}
	req := renderers.Request{
		Site:      r.Site.Name,
		Feed:      feedLabel(r),
		DataType:  r.DataType.Name,
		Generated: since,
		Options:   opts,
		Dropped: func(reason string, n int) {
			mu.Lock()
			dropped[reason] += n
			mu.Unlock()
		},
	}
	rctx, cancel := context.WithTimeout(ctx, s.opts.RenderTimeout)
	defer cancel()
	buf := boundedBuffer{max: s.limits.lim.RenderMaxBytes}
	if err := rd.Render(rctx, &buf, req, counted); err != nil {
		return nil, &RenderError{Renderer: info.Name, Err: err}
	}
	body := buf.Bytes()
	contentType := info.ContentType
	if r.Package == PackageTarGz {
		packed, err := packageTarGz(rctx, rd, req, in, body)
		if err != nil {
			return nil, &RenderError{Renderer: info.Name, Err: err}
		}
		body, contentType = packed, "application/gzip"
	}
	return &Artifact{
		Body:        body,
		ETag:        ETagOf(body),
		ContentType: contentType,
		Generated:   since,
		Fetched:     snap.Fetched,
		Entries:     entries,
		Invalid:     snap.Stats.Invalid,
		KeptNets:    snap.Stats.KeptNets,
		Dropped:     dropped,
	}, nil
}

func feedLabel(r Request) string {
	if r.Kind == KindOrg {
		return "org:" + r.Org
	}
	return r.Feed
}

func takesOption(info renderers.Info, name string) bool {
	return slices.ContainsFunc(info.Options, func(o renderers.Option) bool { return o.Name == name })
}

func withOption(opts map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(opts)+1)
	for kk, vv := range opts {
		out[kk] = vv
	}
	out[k] = v
	return out
}

// stripSchemes removes the URL scheme before de-duplication, as a Palo
// Alto URL list wants, and restores the order.
func stripSchemes(in iter.Seq[indicator.Indicator]) iter.Seq[indicator.Indicator] {
	return func(yield func(indicator.Indicator) bool) {
		var out []indicator.Indicator
		for i := range in {
			if i.Type == indicator.URL {
				if _, rest, ok := strings.Cut(i.Value, "://"); ok {
					i.Value = rest
				}
			}
			out = append(out, i)
		}
		for _, i := range indicator.Normalize(out) {
			if !yield(i) {
				return
			}
		}
	}
}

// contentState remembers the content of one list: its digest, since when
// it has been unchanged, and its zone serial.
type contentState struct {
	mu     sync.Mutex
	digest [32]byte
	since  time.Time
	serial uint32
}

// contentSince returns since when the list in has had this content, and a
// zone serial for it: both unchanged while the content is unchanged; on a
// change, the fetch time and the larger of the previous serial plus one
// and the fetch time, so the serial only ever grows.
func (s *Service) contentSince(key string, in iter.Seq[indicator.Indicator], fetched time.Time) (time.Time, uint32) {
	h := sha256.New()
	for i := range in {
		h.Write([]byte{byte(i.Type)})
		h.Write([]byte(i.Value))
		h.Write([]byte{0})
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	if _, ok := s.content.Load(key); !ok && s.durable != nil {
		s.lastGood(key) // a restart keeps the content state kept on disk
	}
	v, _ := s.content.LoadOrStore(key, &contentState{})
	st := v.(*contentState)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.serial != 0 && st.digest == d {
		return st.since, st.serial
	}
	next := uint32(fetched.Unix())
	if next <= st.serial {
		next = st.serial + 1
	}
	st.digest, st.since, st.serial = d, fetched, next
	return fetched, next
}

// Clear forgets every cached entry of r's feed for its site and r's MISP
// key identity (all outputs): a token clears only what its own key sees.
// The last good lists are kept for MISP outages.
func (s *Service) Clear(ctx context.Context, r Request) error {
	k := s.keysFor(r)
	s.forgetFeed(r)
	return s.opts.Namespace.Bump(ctx, k.group)
}

// Flush forgets every cached entry of every site.
func (s *Service) Flush(ctx context.Context) error {
	s.hot.clear()
	s.snaps.clear()
	s.feeds.m.Clear()
	return s.opts.Namespace.Flush(ctx)
}
