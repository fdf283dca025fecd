package export

import (
	"context"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
)

// An operator changes a list's guard (never_block, most often) because
// the list blocks what it must not, and MISP may answer far less in the
// same rebuild: the circuit breaker then holds the rebuilt list against
// the last good one, which was built under the former guard and still
// carries what the new one keeps out. A hold protects devices from MISP;
// it must not undo the operator's guard. So while such a list is held,
// what is served is the last good list's content under the current
// settings: the MISP answer it was made from, passed through the current
// guard and rendered with the current options.

// heldShown is what a hold serves in place of a last good list built
// under other settings, named by its ETag and read time: the same list
// read back from disk (pushed out of memory meanwhile) is another
// pointer, and its answer may be gone by then.
type heldShown struct {
	formerETag    string
	formerFetched time.Time
	a             *Artifact
}

// shows reports whether h was made of former.
func (h *heldShown) shows(former *Artifact) bool {
	return h != nil && h.formerETag == former.ETag && h.formerFetched.Equal(former.Fetched)
}

// heldServed returns what the hold of k's list serves in place of last,
// the list last served at its URL, of artifact key key, and that hold:
// last itself when it is k's own last good list or, built under former
// settings, the hold serves it as it is (Hold.FormerSettings); its
// content under the current settings when the hold made that
// (heldShown). It returns nil and the hold when that content is not made
// (its render failed): last, built under another guard or other renderer
// options, is not what the list is now. It returns last and nil when the
// list is not held or its hold serves something else; a released hold's
// content and nil until a build ends it.
func (s *Service) heldServed(k keys, last *Artifact, key string) (*Artifact, *Hold) {
	if s.guard.nholds.Load() == 0 {
		return last, nil
	}
	st, ok := s.guard.holds.Get(k.artifact)
	if !ok {
		return last, nil
	}
	var h *Hold
	if !st.released.Load() {
		held := st.Hold
		h = &held
	}
	if key == k.artifact || st.FormerSettings {
		return last, h
	}
	if shown := st.shown.Load(); shown.shows(last) {
		return shown.a, h
	}
	if listSettingsChanged(key, k.artifact) {
		return nil, h
	}
	return last, nil
}

// heldContent returns what to serve while rebuilt, the rebuilt list of k,
// is held, ns being its hold, against prev, the list last served at its URL, of
// artifact key prevKey: prev, unless it was built under another guard or
// other renderer options. Then it is prev's content under the current
// settings, made from the feed snapshot prev was made from while it is
// kept (formerFeed), once per hold; when it is not kept any more (a
// restart, a later read of the feed), prev, and ns says so
// (Hold.FormerSettings). A render of it that fails (no render slot free,
// a list past render_max_bytes, a plugin's error) returns that error and
// no list, noted in ns (heldFailed) unless every request waiting for
// the build left (buildGivenUp): prev may carry what the current
// settings keep out, and the answer is still there for a later build to
// render. Once a render failed in the hold, prev is not served should the
// answer be gone by then: the error is returned again.
func (s *Service) heldContent(ctx context.Context, r Request, k keys, ns *holdState, rebuilt, prev *Artifact, prevKey string) (*Artifact, error) {
	if !listSettingsChanged(prevKey, k.artifact) {
		return prev, nil
	}
	if shown := ns.shown.Load(); shown.shows(prev) {
		return shown.a, nil
	}
	a, err := s.renderFormer(ctx, r, k, prev, rebuilt.Fetched)
	if err != nil {
		if !buildGivenUp(ctx) { // else the render was cut short, not failed
			ns.failed.Store(&heldFailure{at: s.opts.Now(), err: err})
		}
		return nil, err
	}
	if a == nil {
		if f := ns.failed.Load(); f != nil {
			// Its render failed in this hold: prev is not served.
			ns.failed.Store(&heldFailure{at: s.opts.Now(), err: f.err})
			return nil, f.err
		}
		ns.FormerSettings = true
		return prev, nil
	}
	ns.failed.Store(nil)
	ns.shown.Store(&heldShown{formerETag: prev.ETag, formerFetched: prev.Fetched, a: a})
	return a, nil
}

// renderFormer renders, under r's settings, the feed snapshot prev was
// made from; nil when it is not kept. The held list was read at rebuilt.
func (s *Service) renderFormer(ctx context.Context, r Request, k keys, prev *Artifact, rebuilt time.Time) (*Artifact, error) {
	feed := s.formerFeed(r, prev.Fetched, rebuilt)
	if feed == nil {
		return nil, nil
	}
	rd, err := s.Renderer(r)
	if err != nil {
		return nil, err
	}
	since, err := Since(r.Age, s.opts.Now())
	if err != nil {
		return nil, err
	}
	sel := feedsnap.Selection{Types: r.DataType.MISPTypes, ToIDS: !ignoresToIDS(r.Site, r.DataType), Since: since.Unix(),
		WithoutUUIDs: k.withoutUUIDs}
	snap, err := s.extractFeed(r, feed, sel, s.pairGuard(ctx, r))
	if err != nil {
		return nil, err
	}
	built, err := s.render(ctx, r, rd, k, snap)
	if err != nil {
		return nil, err
	}
	return built.a, nil
}

// formerFeed returns the snapshot of r's feed read at fetched (to the
// second): the one its last read replaced, when kept, or its last one,
// when the list held was built elsewhere (taken from memcached) and this
// process's snapshot is still the former list's answer. A last one read
// at rebuilt, when the held list was, is not taken: a list held is made
// of another answer than its last good one, whatever their seconds.
func (s *Service) formerFeed(r Request, fetched, rebuilt time.Time) *feedsnap.Snapshot {
	if r.Kind == KindOrg || !feedsnap.Selectable(r.DataType.MISPTypes) || !feedsnap.Covers(feedTypes, r.DataType.MISPTypes) {
		return nil
	}
	st, ok := s.feeds.m.Get(s.feedKey(r))
	if !ok {
		return nil
	}
	readAt := func(feed *feedsnap.Snapshot) bool {
		return feed != nil && feed.Read.UTC().Truncate(time.Second).Equal(fetched)
	}
	if feed := st.prev.Load(); readAt(feed) {
		return feed
	}
	if feed := st.last.Load(); readAt(feed) && !fetched.Equal(rebuilt) {
		return feed
	}
	return nil
}
