package taxii

import (
	"strings"
	"time"
	"unicode"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// Gate decides whether a refresh is held, given its Counts. It returns
// true to hold the refresh. It is called once per refresh that would
// change or confirm what a non-empty collection carries, so it can also
// end an earlier hold.
type Gate func(Counts) bool

// Counts is what a Gate is asked about a refresh: Prev indicators are
// carried (revoked ones left out), Kept of them stay and Cur are carried
// after it. When the refresh and the one the collection carries both
// tell their Basis and were made under other settings (SettingsChanged),
// Input and FormerInput are their counts of what MISP gave.
type Counts struct {
	Prev, Kept, Cur    int
	SettingsChanged    bool
	Input, FormerInput int
}

// Basis is what a refresh was made of: Settings names the operator's
// settings that select its indicators (the guard's), Input counts the
// attributes MISP gave, before those settings kept any out.
type Basis struct {
	Settings string
	Input    int
}

// Based is a source that tells its Basis.
type Based interface {
	Basis() (settings string, input int)
}

// basisOf returns src's Basis, nil when it tells none (or settings
// that are not one word, which a state file could not keep).
func basisOf(src any) *Basis {
	b, ok := src.(Based)
	if !ok {
		return nil
	}
	settings, input := b.Basis()
	if settings == "" || strings.ContainsFunc(settings, unicode.IsSpace) || input < 0 {
		return nil
	}
	return &Basis{Settings: settings, Input: input}
}

// counts returns the Counts of a refresh from src that carries prev,
// keeps kept and carries cur after it.
func (c *Collection) counts(src any, prev, kept, cur int) Counts {
	n := Counts{Prev: prev, Kept: kept, Cur: cur}
	if b := basisOf(src); b != nil && c.basis != nil && b.Settings != c.basis.Settings {
		n.SettingsChanged, n.Input, n.FormerInput = true, b.Input, c.basis.Input
	}
	return n
}

// Ordered is a source that knows whether it predates another: a
// collection never goes back from a source to an older one, which
// would revoke what the newer one added and add again what it revoked.
// Two requests can take their sources either side of a refresh and
// apply them in the other order.
type Ordered interface {
	OlderThan(applied any, now time.Time) bool
}

// pending is a refresh a Gate held, kept so that asking again costs
// no new view.
type pending struct {
	src    any
	opts   map[string]string
	ins    []indicator.Indicator
	counts Counts
	passed bool // the gate let it through, and its save failed
}

// ApplyGated is ApplyView with a circuit breaker: before a refresh
// revokes anything, gate (nil: none) may hold it, and then nothing is
// added or revoked and the collection serves what it had. A held
// refresh is asked about again on each call with the same src; once
// gate lets it through it is applied. held reports whether the refresh
// is held.
func (c *Collection) ApplyGated(src any, view func() []indicator.Indicator, opts map[string]string, now time.Time, gate Gate) (changed, held bool, err error) {
	return c.applyGated(src, view, nil, opts, now, gate, nil, nil)
}

// applyGated is ApplyGated calling save (nil: none), with the lock held,
// before a change can be read: when save fails the change is taken back
// and its error returned. A refresh applied that changes nothing to
// save calls keep (nil: none), which keeps its Basis. A refresh held
// after a change of the guard's settings (Counts.SettingsChanged) still
// revokes what keptOut (nil: nothing) names (revokeKeptOut): the
// operator's settings are in force at once, MISP's shrink is held.
func (c *Collection) applyGated(src any, view func() []indicator.Indicator, keptOut KeptOut, opts map[string]string, now time.Time, gate Gate, save func() error, keep func()) (changed, held bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if src != nil && src == c.src && mapsEqual(opts, c.opts) {
		return false, false, nil
	}
	if o, ok := src.(Ordered); ok && c.src != nil && o.OlderThan(c.src, now) {
		return false, false, nil // taken before what the collection carries
	}
	var ins []indicator.Indicator
	if p := c.pending; p != nil && src != nil && src == p.src && mapsEqual(opts, p.opts) {
		if !p.passed && gate != nil && gate(p.counts) {
			return c.heldUnder(src, p.counts, keptOut, now, save)
		}
		ins, gate = p.ins, nil // let through: apply it as it is
	} else {
		ins = view()
	}
	c.pending = nil
	if c.prev != nil && mapsEqual(opts, c.opts) && sameIndicators(c.prev, ins) {
		// A refreshed snapshot with the same content, the usual case:
		// one sequential comparison instead of a lookup per indicator.
		if n := c.active(); gate != nil && n > 0 {
			gate(Counts{Prev: n, Kept: n, Cur: n}) // nothing revoked: nothing to hold
		}
		c.src, c.prev, c.basis = src, ins, basisOf(src)
		if keep != nil {
			keep()
		}
		return false, false, nil
	}
	enc, err := stix21.NewObjects(opts, now)
	if err != nil {
		return false, false, err
	}
	var found []int32
	if gate != nil {
		var prev, kept, cur int
		prev, kept, cur, found = c.count(ins, enc)
		if n := c.counts(src, prev, kept, cur); prev > 0 && gate(n) {
			c.pending = &pending{src: src, opts: opts, ins: ins, counts: n}
			return c.heldUnder(src, n, keptOut, now, save)
		}
	}
	before := c.mark()
	if !c.apply(src, ins, found, opts, now, enc) {
		if keep != nil {
			keep()
		}
		return false, false, nil
	}
	if save != nil {
		if err := save(); err != nil {
			c.rollback(before)
			c.pending = &pending{src: src, opts: opts, ins: ins, passed: true}
			return false, false, err
		}
	}
	return true, false, nil
}

// heldUnder ends a held refresh from src of Counts n: after a change of
// the guard's settings what keptOut names is revoked, and what an
// earlier held refresh revoked so that keptOut no longer names is
// carried again once src's settings differ from that refresh's (they
// changed back, heldguard.go), saved by save; the rest is held. Under
// the same settings keptOut may name less only because the view lost
// the MISP answer that showed a composite attribute's pair: that is no
// reason to carry it again.
func (c *Collection) heldUnder(src any, n Counts, keptOut KeptOut, now time.Time, save func() error) (changed, held bool, err error) {
	if keptOut == nil {
		return false, true, nil
	}
	settings := ""
	if b := basisOf(src); b != nil {
		settings = b.Settings
	}
	before := c.mark()
	t := max(now.UnixMilli(), c.last+1)
	revoked := n.SettingsChanged && c.revokeKeptOut(keptOut, t)
	restored := settings != c.earlyUnder && c.restoreKeptOut(keptOut, t)
	c.earlyUnder = settings
	if !restored && !revoked {
		return false, true, nil
	}
	if save != nil {
		if err := save(); err != nil {
			c.rollback(before)
			return false, true, err
		}
	}
	return true, true, nil
}

// active counts the indicators the collection carries (not revoked).
func (c *Collection) active() int {
	n := 0
	for i := range c.objs {
		if c.objs[i].kind == kindIndicator && c.objs[i].revoked == 0 {
			n++
		}
	}
	return n
}

// count returns, for a refresh to ins, the indicators carried now, those
// of them ins keeps, and those carried after it, with what c.current
// holds for each of ins (-1: nothing) for apply. It changes nothing.
func (c *Collection) count(ins []indicator.Indicator, enc *stix21.Objects) (prev, kept, cur int, found []int32) {
	prev = c.active()
	if prev == 0 {
		return 0, 0, 0, nil // nothing to lose: the gate is not asked
	}
	found = make([]int32, len(ins))
	for j, in := range ins {
		found[j] = -1
		if !stixTypes.Has(in.Type) {
			continue
		}
		i, known := c.current[objKey{in.Type, in.Value}]
		if known {
			found[j] = i
		}
		if known && c.objs[i].revoked == 0 {
			kept++
			continue
		}
		if _, ok := enc.Indicator(in); ok {
			cur++
		}
	}
	kept = min(kept, prev)
	return prev, kept, kept + cur, found
}
