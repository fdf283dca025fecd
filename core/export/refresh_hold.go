package export

import (
	"fmt"
	"time"

	"github.com/cratos-project/cratos/core/guard"
)

// Refresh is one refresh of a consumer that keeps the history of a whole
// feed (a TAXII collection): how many indicators it carries, how many of
// them the refresh keeps, and how many it would carry after it.
type Refresh struct {
	// Key names the history: one per site, MISP key and feed.
	Key string
	// Output names the consumer in the hold ("taxii"); DataType what it
	// carries ("collection").
	Output, DataType string
	// Path is where the consumer serves it.
	Path string
	// Identity names whose history it is (a MISP user's or a MISP key's
	// identity): only tokens of that identity are shown its hold. Empty:
	// the request's MISP key (Service.Identity).
	Identity string
	// Previous counts the indicators carried now (revoked ones left out),
	// Kept those of them the refresh keeps, Current those carried after.
	Previous, Kept, Current int
	// SettingsChanged says that the guard's settings changed since the
	// refresh the consumer carries; Input and FormerInput then count
	// the attributes MISP gave for this refresh and for that one.
	SettingsChanged    bool
	Input, FormerInput int
}

// refreshHoldKey names a refresh's entry among the holds.
func refreshHoldKey(key string) string { return "refresh|" + key }

// HoldRefresh applies the circuit breaker to a refresh of a history of
// r's feed: a refresh that would empty a non-empty history, or remove
// more than the site's hold_drop_percent of its indicators when it has
// hold_min_entries at least, is held and HoldRefresh returns the hold;
// the consumer then keeps what it has, but for what the guard keeps
// out after a change of its settings (SettingsChanged), which it
// revokes. It returns nil when the refresh may be applied, which ends a
// hold of the history (released by an admin, or a refresh that passes
// the rule again). Holds are listed by Holds and released by Release
// like held lists.
func (s *Service) HoldRefresh(r Request, f Refresh) *Hold {
	key := refreshHoldKey(f.Key)
	b := guard.BreakerOf(r.Site)
	why, hold := refreshBreaks(b, f)
	for {
		st, _ := s.guard.holds.Get(key)
		released := st != nil && st.released.Load()
		if !hold || st != nil && st.lets(b, f.Current) {
			if st != nil && !s.endHold(key, st, f.Current) {
				continue // replaced meanwhile: decide again
			}
			return nil
		}
		h := Hold{ID: holdID(key), Site: r.Site.Name, Feed: feedLabel(r), DataType: f.DataType, Age: r.Age, Output: f.Output,
			Since: s.opts.Now().UTC().Truncate(time.Second), Reason: why, Previous: f.Previous, Current: f.Current, Path: f.Path,
			Identity: f.Identity}
		if h.Identity == "" {
			h.Identity = s.Identity(r)
		}
		ns, first := follow(st, h, "")
		if !s.guard.replaceHold(key, st, released, ns) {
			continue // released or replaced meanwhile: decide again
		}
		h = ns.Hold
		if first {
			msg := "refresh held: nothing revoked"
			if f.SettingsChanged {
				msg = "refresh held: only what the guard keeps out revoked"
			}
			s.opts.Logger.Warn(msg, "site", h.Site, "feed", h.Feed, "output", h.Output,
				"path", h.Path, "hold", h.ID, "previous", h.Previous, "kept", f.Kept, "refreshed", h.Current, "reason", why)
			if o, ok := s.opts.Observer.(HoldObserver); ok {
				o.Held(h, true)
			}
		}
		return &h
	}
}

// RefreshHold returns the current hold of the history key, if any.
func (s *Service) RefreshHold(key string) *Hold {
	return s.holdOf(refreshHoldKey(key))
}

// refreshBreaks is the breaker's rule for a refresh: what it removes is
// what it loses, even when it adds as many. After a change of the
// guard's settings it compares what MISP gave instead: what the
// operator's new settings revoke is no reason to hold the refresh.
func refreshBreaks(b guard.Breaker, f Refresh) (string, bool) {
	if f.SettingsChanged {
		if _, hold := b.HoldInput(f.FormerInput, f.Input); !hold {
			return "", false
		}
		return fmt.Sprintf("MISP gave %d attributes for the refresh, %d%% fewer than for the one the collection carries (%d); the limit is %d%%",
			f.Input, (f.FormerInput-f.Input)*100/f.FormerInput, f.FormerInput, b.DropPercent), true
	}
	if b.Off || f.Kept >= f.Previous {
		return "", false
	}
	if f.Current == 0 {
		return fmt.Sprintf("the refreshed collection is empty; it has %d indicators", f.Previous), true
	}
	lost := f.Previous - f.Kept
	if f.Previous >= b.MinEntries && lost*100 > f.Previous*b.DropPercent {
		return fmt.Sprintf("the refresh would revoke %d of the collection's %d indicators (%d%%); the limit is %d%%",
			lost, f.Previous, lost*100/f.Previous, b.DropPercent), true
	}
	return "", false
}
