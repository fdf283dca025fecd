package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
)

// ErrNoHold is returned by Release when nothing matching is held.
var ErrNoHold = errors.New("no held list")

// Hold is a rebuilt list the circuit breaker kept back: the last good
// list is served instead.
type Hold struct {
	ID       string    `json:"id"`
	Site     string    `json:"site"`
	Feed     string    `json:"feed"`
	DataType string    `json:"type"`
	Age      string    `json:"age"`
	Output   string    `json:"output"`
	Since    time.Time `json:"since"`
	Reason   string    `json:"reason"`
	// Previous counts the entries of the list served while held: after
	// a change of the guard or renderer options, the last good list's
	// content under the current settings (heldContent).
	Previous int `json:"previous_entries"`
	Current  int `json:"rebuilt_entries"`
	// FormerEntries counts the entries of the last good list as built
	// under the former settings, when the list served is its content
	// under the current ones: what devices held before the change.
	FormerEntries int `json:"former_entries,omitempty"`
	// Path is where the held content is served when it is not a list
	// route (a TAXII collection, a DNS zone).
	Path string `json:"path,omitempty"`
	// Identity names the MISP key the held list was built with (as
	// Service.Identity does): only tokens of that key may be shown it.
	Identity string `json:"-"`
	// FormerSettings says that the list served is the last good one as
	// built under the list's former guard or renderer options, which may
	// carry what the current ones keep out: the MISP answer it was made
	// from is no longer held (heldsettings.go).
	FormerSettings bool `json:"former_settings,omitempty"`
	// Read is when MISP was read for the rebuilt list last held: the
	// list served for the hold is as fresh as that read (heldFresh).
	Read time.Time `json:"-"`
}

type holdState struct {
	Hold
	group string
	// list is the key of the list's URL (keys.list); "" for a refresh.
	list     string
	released atomic.Bool
	// accepted counts the entries of the rebuilt list an earlier hold of
	// the same list was released with, when hasAccepted.
	accepted    int
	hasAccepted bool
	// shown is what the hold serves in place of a last good list built
	// under former settings (heldsettings.go).
	shown atomic.Pointer[heldShown]
	// failed is the last render of that content that failed, when none
	// succeeded since (heldfailure.go).
	failed atomic.Pointer[heldFailure]
}

// reviewed returns the entries of the rebuilt list a release of this
// hold, or of the one before it, let through.
func (st *holdState) reviewed() (int, bool) {
	if st.released.Load() {
		return st.Current, true
	}
	return st.accepted, st.hasAccepted
}

// lets reports whether a build of n entries that trips the breaker still
// replaces the last good list: an admin released the rebuilt list the
// hold showed, and this one loses no more than the breaker allows against
// that one. A build that loses more since is held again.
func (st *holdState) lets(b guard.Breaker, n int) bool {
	reviewed, ok := st.reviewed()
	if !ok {
		return false
	}
	_, worse := b.Hold(reviewed, n)
	return !worse
}

// follow returns the state of the hold h, taken after st (nil when the
// list was not held), and whether it is a new hold: the first, or one
// after a release. A hold goes on from the time it began, and keeps what
// a release accepted.
func follow(st *holdState, h Hold, group string) (*holdState, bool) {
	first := st == nil || st.released.Load()
	ns := &holdState{group: group}
	if st != nil {
		if !first {
			h.Since = st.Since
		}
		ns.accepted, ns.hasAccepted = st.reviewed()
		ns.shown.Store(st.shown.Load())
		if !first {
			ns.failed.Store(st.failed.Load())
		}
	}
	ns.Hold = h
	return ns, first
}

// HoldObserver is told when a list is held and when a hold ends; an
// Observer may implement it.
type HoldObserver interface {
	Held(h Hold, held bool)
}

func holdID(artifactKey string) string {
	sum := sha256.Sum256([]byte(artifactKey))
	return hex.EncodeToString(sum[:6])
}

// checkHold decides whether the rebuilt artifact a replaces prev, the
// list devices hold: the last good one (in memory, else on disk: a list
// pushed out of memory is still the baseline), or, after a change of
// settings that gave the list a new key, the one last served at its URL
// (nil: none), of artifact key prevKey. It returns the artifact to serve:
// a, or, when the circuit breaker holds a, prev, or prev's content under
// the current settings when prev was built under others (heldContent).
// err is the failure to render that content: a is held all the same, and
// nothing is served.
func (s *Service) checkHold(ctx context.Context, r Request, k keys, a, prev *Artifact, prevKey string) (served *Artifact, held *Hold, err error) {
	s.endFormerHolds(k)
	if prev == nil || prev == a {
		return a, nil, nil
	}
	b := guard.BreakerOf(r.Site)
	why, hold := breakerVerdict(b, k.artifact, a, prevKey, prev)
	for {
		st, _ := s.guard.holds.Get(k.artifact)
		released := st != nil && st.released.Load()
		if !hold || st != nil && st.lets(b, a.Entries) {
			if st != nil && !s.endHold(k.artifact, st, a.Entries) {
				continue // replaced meanwhile: decide again
			}
			return a, nil, nil
		}
		h := Hold{ID: holdID(k.artifact), Site: r.Site.Name, Feed: feedLabel(r), DataType: r.DataType.Name, Age: r.Age,
			Output: r.Output, Since: s.opts.Now().UTC().Truncate(time.Second), Reason: why, Previous: prev.Entries, Current: a.Entries,
			Path: r.Path, Identity: k.identity}
		if r.Kind == KindVendor {
			h.Output = "vendor:" + r.Vendor
		}
		ns, first := follow(st, h, k.group)
		ns.list, ns.Read = k.list, a.Fetched
		served, err := s.heldContent(ctx, r, k, ns, a, prev, prevKey)
		if served != nil && served != prev {
			ns.Previous, ns.FormerEntries = served.Entries, prev.Entries
		}
		if !s.guard.replaceHold(k.artifact, st, released, ns) {
			continue // released or replaced meanwhile: decide again
		}
		h = ns.Hold
		switch {
		case err != nil && buildGivenUp(ctx):
			if first { // the next build renders it
				s.opts.Logger.Warn("list held: its build was given up before the last good list was rendered under the current settings",
					"site", h.Site, "feed", h.Feed, "type", h.DataType, "output", h.Output, "hold", h.ID, "rebuilt", h.Current, "reason", why)
			}
		case err != nil:
			s.opts.Logger.Warn("list held, nothing served: the last good list could not be rendered under the current settings",
				"site", h.Site, "feed", h.Feed, "type", h.DataType, "output", h.Output, "hold", h.ID, "rebuilt", h.Current,
				"reason", why, "error", err, "retry_after", retryAfter(r.TTL).String())
		case first:
			s.opts.Logger.Warn("list held: serving the last good list", "site", h.Site, "feed", h.Feed, "type", h.DataType,
				"output", h.Output, "hold", h.ID, "previous", h.Previous, "rebuilt", h.Current, "reason", why)
		}
		if first {
			if o, ok := s.opts.Observer.(HoldObserver); ok {
				o.Held(h, true)
			}
		}
		if h.FormerSettings && (first || st != nil && !st.FormerSettings) {
			s.opts.Logger.Warn("held list predates the change of its settings: it may carry what the current guard keeps out",
				"site", h.Site, "feed", h.Feed, "type", h.DataType, "output", h.Output, "hold", h.ID)
		}
		return served, &h, err
	}
}

// breakerVerdict applies b to a, of artifact key key, against prev, of
// artifact key prevKey. Built under other guard rules or renderer
// options, a is compared by what MISP gave for each list: what the
// operator's new settings keep out is no reason to hold it. A list
// recorded without that count (by an earlier version) is compared by its
// entries, as before.
func breakerVerdict(b guard.Breaker, key string, a *Artifact, prevKey string, prev *Artifact) (string, bool) {
	if prevKey != key && a.HasInput && prev.HasInput && listSettingsChanged(prevKey, key) {
		return b.HoldInput(prev.Input, a.Input)
	}
	return b.Hold(prev.Entries, a.Entries)
}

// endFormerHolds ends the holds of k's URL under other artifact keys: a
// reload changed the list's settings, and its builds are now k's, so no
// build would end them.
func (s *Service) endFormerHolds(k keys) {
	if s.guard.nholds.Load() == 0 {
		return
	}
	for key, st := range s.guard.holds.All() {
		if st.list == k.list && key != k.artifact {
			s.endHold(key, st, st.Current)
		}
	}
}

// endHold forgets the hold st of key: a build or refresh of entries
// entries replaced what it held. It returns false, and forgets nothing,
// when key's hold is another by now: one recorded since st was read is
// not ended on st's account.
func (s *Service) endHold(key string, st *holdState, entries int) bool {
	if !s.guard.dropHold(key, st) {
		return false
	}
	s.opts.Logger.Info("list hold ended", "site", st.Site, "feed", st.Feed, "type", st.DataType, "output", st.Output,
		"hold", st.ID, "released", st.released.Load(), "entries", entries)
	if o, ok := s.opts.Observer.(HoldObserver); ok {
		o.Held(st.Hold, false)
	}
	return true
}

// holdOf returns the hold of an artifact key, if any and not released.
func (s *Service) holdOf(artifactKey string) *Hold {
	if s.guard.nholds.Load() == 0 {
		return nil
	}
	st, ok := s.guard.holds.Get(artifactKey)
	if !ok || st.released.Load() {
		return nil
	}
	h := st.Hold
	return &h
}

// heldFresh reports whether the list of artifactKey is held, not
// released, on a rebuild from a MISP read that a request of lifetime ttl
// still accepts at now: what the hold serves is then as fresh as a list
// read then, and is served from the cache rather than rebuilt.
func (s *Service) heldFresh(artifactKey string, now time.Time, ttl time.Duration) bool {
	if s.guard.nholds.Load() == 0 {
		return false
	}
	st, ok := s.guard.holds.Get(artifactKey)
	return ok && !st.released.Load() && !st.Read.IsZero() && fresh(st.Read, now, ttl)
}

// heldRead returns when MISP was read for the list of artifactKey, last
// read at fetched: while the list is held (not released), the read of
// the rebuilt list last held, when later. What the hold serves is as
// fresh as that read, which confirmed it, whatever the age of the last
// good list it is, for its lifetime and its maximum staleness alike.
func (s *Service) heldRead(artifactKey string, fetched time.Time) time.Time {
	if s.guard.nholds.Load() == 0 {
		return fetched
	}
	st, ok := s.guard.holds.Get(artifactKey)
	if !ok || st.released.Load() || !st.Read.After(fetched) {
		return fetched
	}
	return st.Read
}

// Holds lists the held lists of site ("" for every site), oldest first.
func (s *Service) Holds(site string) []Hold {
	var out []Hold
	for _, st := range s.guard.holds.All() {
		if (site == "" || strings.EqualFold(st.Site, site)) && !st.released.Load() {
			out = append(out, st.Hold)
		}
	}
	slices.SortFunc(out, func(a, b Hold) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// DropHolds ends the holds of the sites served says are no longer served
// (removed or disabled by a reload), and those of feeds their sites no
// longer configure (a custom feed a reload removed): their lists are
// never built again, so nothing else would end them. served returns the
// site loaded now.
func (s *Service) DropHolds(served func(site string) (*config.Site, bool)) {
	if s.guard.nholds.Load() == 0 {
		return
	}
	for key, st := range s.guard.holds.All() {
		site, ok := served(st.Site)
		if !ok || !strings.HasPrefix(st.Feed, "org:") && checkFeed(site, st.Feed) != nil {
			s.endHold(key, st, st.Current)
		}
	}
}

// EndHolds ends the holds of the lists served at path (Request.Path): a
// DNS zone no longer built, its token refused, whose lists no build would
// release.
func (s *Service) EndHolds(path string) {
	if s.guard.nholds.Load() == 0 {
		return
	}
	for key, st := range s.guard.holds.All() {
		if st.Path == path {
			s.endHold(key, st, st.Current)
		}
	}
}

// Release lets the rebuilt list of the hold id (or, with id "", every
// held list of site) replace the last good one on its next build, which
// the next request starts. It returns the holds released.
func (s *Service) Release(ctx context.Context, site, id string) ([]Hold, error) {
	var out []Hold
	var groups []string
	// Under the holds' lock: a build that holds the list again replaces
	// the hold only if it was not released meanwhile (replaceHold).
	s.guard.holdsMu.Lock()
	for _, st := range s.guard.holds.All() {
		if strings.EqualFold(st.Site, site) && (id == "" || st.ID == id) && st.released.CompareAndSwap(false, true) {
			out = append(out, st.Hold)
			groups = append(groups, st.group)
		}
	}
	s.guard.holdsMu.Unlock()
	if len(out) == 0 {
		return nil, ErrNoHold
	}
	for _, g := range groups {
		if g == "" {
			continue // a refresh hold: its next refresh goes through
		}
		s.markCleared(g) // restore.go: rebuilt after a restart too
		if err := s.opts.Namespace.Bump(ctx, g); err != nil {
			return out, err
		}
	}
	s.opts.Logger.Warn("held lists released", "site", site, "count", len(out))
	return out, nil
}

// replaceHold records st as the hold of key in place of former, the
// hold it follows (nil: none), which was released as formerReleased says
// when st was decided. It records nothing and returns false when key's
// hold is another by now, or former was released since: a release that
// lands while a build decides (and renders) what the hold serves is never
// lost, the build deciding again.
func (g *guardState) replaceHold(key string, former *holdState, formerReleased bool, st *holdState) bool {
	g.holdsMu.Lock()
	defer g.holdsMu.Unlock()
	if cur, _ := g.holds.Get(key); cur != former || former != nil && former.released.Load() != formerReleased {
		return false
	}
	g.holds.Set(key, st, 0)
	g.nholds.Store(int64(g.holds.Len()))
	return true
}

// dropHold forgets st, the hold of key, and reports whether it was still
// key's hold.
func (g *guardState) dropHold(key string, st *holdState) bool {
	g.holdsMu.Lock()
	defer g.holdsMu.Unlock()
	if cur, _ := g.holds.Get(key); cur != st {
		return false
	}
	g.holds.Delete(key)
	g.nholds.Store(int64(g.holds.Len()))
	return true
}
