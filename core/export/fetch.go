package export

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
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

// snapshot returns the cached snapshot of r's query, or fetches it from
// MISP, once at a time per key (and, with processes sharing memcached,
// once among them: lease.go). Snapshots are kept decoded in process;
// with a shared level (memcached) they are also written there, encoded,
// for the other processes.
func (s *Service) snapshot(ctx context.Context, r Request, k keys) (*Snapshot, error) {
	nsKey := s.opts.Namespace.Key(ctx, k.group, k.snapshot)
	now := s.opts.Now()
	usable := func(snap *Snapshot) bool {
		return fresh(snap.Fetched, now, r.TTL) && newer(ctx, snap.Fetched) && !s.feedNewer(r, snap.Fetched)
	}
	// The read serves every build and view of the key that joins it (other
	// outputs of the list, a TAXII poll): it runs in a context of its own,
	// with this one's values and deadline, and stops once every one has
	// left, not when the build that started it does.
	fill := func(ctx context.Context) (*Snapshot, bool, error) {
		// A background rebuild is the service's own work, not a
		// consumer's: it takes nothing from the cold-build budget.
		if !IsBackground(ctx) {
			if wait := s.limits.coldWaitIn(ctx, r.Consumer, now); wait > 0 {
				return nil, false, &BudgetError{RetryAfter: wait, consumer: r.Consumer}
			}
		}
		return s.fetchLeased(ctx, r, k.withoutUUIDs, nsKey, usable) // lease.go
	}
	// A read joined in its single flight is judged by its own budget.
	for try := 0; ; try++ {
		snap, err := s.snaps.Load(ctx, nsKey, r.TTL, usable, fill)
		if try == maxRejoins || !refusedOther(ctx, r, err) {
			return snap, readTimedOut(ctx, r, err)
		}
	}
}

// readTimedOut returns err, the error of a snapshot read waited for in
// ctx, as a MISP timeout when it is ctx's own deadline: the caller joined
// a read started with a later deadline or none (a console lookup), which
// goes on for the others, and gets what its own read would have given,
// rather than a bare context error. Only ctx's own error is: a wait for
// a slot that ended with the read's deadline is ErrBusy, wrapping it.
func readTimedOut(ctx context.Context, r Request, err error) error {
	if err == context.DeadlineExceeded && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return misp.DeadlineTimeout(ctx, r.Site.Name)
	}
	return err
}

// fetch queries MISP and canonicalises what it returns, with every UUID
// empty when withoutUUIDs (keys.withoutUUIDs). A feed's data types and ages
// are selected from its feed snapshot (feedsnap.go); only what that cannot
// serve is searched for here.
func (s *Service) fetch(ctx context.Context, r Request, withoutUUIDs bool) (*Snapshot, error) {
	if snap, ok, err := s.fetchFromFeed(ctx, r, withoutUUIDs); ok {
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
	limit := extractLimit(r)
	pg := s.pairGuard(ctx, r)
	newSink := func() func(indicator.Attribute) {
		p := &part{x: indicator.NewExtractor(r.DataType, limit)}
		pg.attach(p.x)
		partsMu.Lock()
		parts = append(parts, p)
		partsMu.Unlock()
		return func(a indicator.Attribute) {
			if withoutUUIDs {
				a.UUID = ""
			}
			p.ins = p.x.AddBorrowed(p.ins, a)
		}
	}
	leave, err := s.limits.takeShare(ctx, r)
	if err != nil {
		return nil, err
	}
	defer leave()
	release, err := s.limits.acquire(ctx, r.Site.Name)
	if err != nil {
		return nil, err
	}
	defer release()
	start := time.Now()
	s.opts.Logger.Info("MISP pull started", "site", r.Site.Name, "kind", string(r.Kind), "feed", r.Feed, "type", r.DataType.Name,
		"age", r.Age, "page_size", r.Site.PageSize)
	n, err := client.ScanAttributes(ctx, q, r.Site.PageSize, fetchParallel, newSink)
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
	list, refused, err := s.finishExtract(r, ins, &st)
	if err != nil {
		return nil, err
	}
	s.sites.Set(r.Site.Name, SiteState{LastBuild: now, LastURL: r.MISPURL}, 0)
	s.opts.Logger.Info("fetched", "site", r.Site.Name, "kind", string(r.Kind), "feed", r.Feed, "type", r.DataType.Name,
		"age", r.Age, "attributes", n, "indicators", list.Len(), "invalid", st.Invalid, "skipped", st.Skipped,
		"kept_nets", st.KeptNets, "ms", millis(time.Since(start)))
	return &Snapshot{Fetched: now.UTC().Truncate(time.Second), Indicators: list, Stats: st, Refused: append(refused, pg.kept()...)}, nil
}

// mispClient is the client of r's MISP for a list build or a feed read,
// within the build limits.
func (s *Service) mispClient(r Request) *misp.Client {
	opts := s.clientOptions(r)
	opts.Logger = s.opts.Logger
	return misp.New(s.limits.mispOptions(opts))
}

// clientOptions are the options of a MISP client for r's site and key.
func (s *Service) clientOptions(r Request) misp.Options {
	return misp.Options{
		Site:       r.Site.Name,
		BaseURL:    r.MISPURL,
		Key:        r.MISPKey,
		Timeout:    time.Duration(r.Site.MISPTimeoutSeconds) * time.Second,
		VerifyCert: r.Site.VerifyCert(),
		UserAgent:  s.opts.UserAgent,
	}
}

// expandsLater reports whether r's nets are expanded after extraction,
// under the site's total budget, so that the result does not depend on
// which page (or which read) a net came in.
func expandsLater(r Request) bool {
	return r.DataType.Yields.Has(indicator.IPv4) && r.DataType.Yields.Has(indicator.IPv4Net)
}

// extractLimit is the per-net expansion limit of r's extractor: none when
// the nets are expanded later.
func extractLimit(r Request) int {
	if expandsLater(r) {
		return -1
	}
	return r.Site.ExpandLimit
}

// collectLargeListAt is the length of a list from which finishExtract
// runs the collector (Service.collect) twice. After the sort, its keys
// are garbage (24 bytes an indicator, some 33 MB with its other arrays,
// for a million), and the compact list is made in their memory; once that
// is made, the array of indicators is (88 bytes an indicator), and the
// list is rendered in its memory. Otherwise the heap would grow past both
// by fresh memory, since the collector's goal is twice what the feed
// snapshot and the list hold: a cold build of a 1M-entry list peaks some
// 20 to 30 MiB lower for each (BENCHMARKS.md), for a collection of a heap
// that is mostly arrays without pointers.
const collectLargeListAt = 1 << 18

// collection is the length of a sorted list from which finishExtract
// runs the collector, and what runs it: collectLargeListAt and
// runtime.GC, except in tests.
type collection struct {
	at  int
	run func()
}

// finishExtract sorts and de-duplicates extracted indicators and, where
// nets are expanded later, moves the nets the address rules refuse out
// and expands the rest under the site's budget, recording it in st. The
// list kept is compact (indicator.List); ins is not kept.
func (s *Service) finishExtract(r Request, ins []indicator.Indicator, st *indicator.Stats) (kept indicator.List, refused []indicator.Indicator, err error) {
	ins = indicator.Normalize(ins)
	if len(ins) >= s.collect.at {
		s.collect.run()
	}
	if expandsLater(r) {
		ins, refused = s.guardNets(r, ins)
		ins, st.Expanded, st.KeptNets = indicator.ExpandNets(ins, r.Site.ExpandLimit, expandBudget(r.Site))
	}
	// The refused nets are kept with the list: their text is copied, as
	// the list's is, so that none keeps a feed snapshot's text alive.
	for i := range refused {
		refused[i].Value, refused[i].UUID = strings.Clone(refused[i].Value), strings.Clone(refused[i].UUID)
	}
	kept, err = indicator.NewList(ins)
	if len(ins) >= s.collect.at {
		s.collect.run() // ins is garbage now
	}
	return kept, refused, err
}
