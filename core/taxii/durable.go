package taxii

import (
	"errors"
	"fmt"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// ErrNotSaved is wrapped by Refresh's error when a change could not be
// saved: the collection serves what it had before.
var ErrNotSaved = errors.New("taxii: collection history not saved")

// Refresh brings the collection named key up to date with a feed view
// (Collection.ApplyGated) and saves a change before any request can
// read it: a version is never served that a restart would compute again
// with another date_added. When the save fails the change is taken
// back, the collection serves its previous history and the next Refresh
// tries again; the error wraps ErrNotSaved.
func (m *Manager) Refresh(key string, c *Collection, src any, view func() []indicator.Indicator, opts map[string]string, now time.Time, gate Gate) (held bool, err error) {
	return m.RefreshUnder(key, c, src, view, nil, opts, now, gate)
}

// RefreshUnder is Refresh for a view made under a guard: keptOut says
// what the operator's guard settings keep out. A refresh held after a
// change of those settings still revokes the active indicators keptOut
// names, saved as a change is, and a held refresh carries again those it
// revoked so that keptOut no longer names; the rest of it is held.
func (m *Manager) RefreshUnder(key string, c *Collection, src any, view func() []indicator.Indicator, keptOut KeptOut, opts map[string]string, now time.Time, gate Gate) (held bool, err error) {
	var save func() error
	var keep func()
	if m.write != nil {
		save = func() error { return m.save(key, c) }
		keep = func() { m.saveBasis(key, c) }
	}
	_, held, err = c.applyGated(src, view, keptOut, opts, now, gate, save, keep)
	return held, err
}

// save writes c, whose lock the caller holds, as the state of key.
func (m *Manager) save(key string, c *Collection) error {
	m.saveMu.Lock()
	defer m.saveMu.Unlock()
	b, err := c.marshalState()
	if err == nil {
		err = m.dropBasis(key)
	}
	if err == nil {
		err = m.write(fileName(key), b)
	}
	c.stored = nil // not known after a failure
	if err == nil {
		c.stored = c.basis
	}
	m.trouble(key, TroubleNotSaved, fileName(key), err)
	if err != nil {
		m.logger.Error("taxii collection state not saved; serving the previous history", "file", fileName(key), "error", err)
		return fmt.Errorf("%w: %w", ErrNotSaved, err)
	}
	return nil
}

// mark is what rollback restores: the collection before an apply.
type mark struct {
	objs, log  int
	remarks    int
	eras       int
	last       int64
	src        any
	basis      *Basis
	prev       []indicator.Indicator
	opts       map[string]string
	changes    uint64
	early      []objKey
	earlyUnder string
}

func (c *Collection) mark() mark {
	return mark{objs: len(c.objs), log: len(c.log), remarks: len(c.remarks), eras: len(c.eras), last: c.last, src: c.src, basis: c.basis, prev: c.prev, opts: c.opts, changes: c.changes, early: c.early, earlyUnder: c.earlyUnder}
}

// rollback takes back what was applied since m: objects added since are
// forgotten, and those revoked since (at a date_added after m's last)
// are current again. The epoch stays: no object the taken back apply saw
// passes for seen by the next one.
func (c *Collection) rollback(m mark) {
	for i := len(c.objs) - 1; i >= m.objs; i-- {
		o := &c.objs[i]
		delete(c.byID, o.id)
		if o.kind != kindIndicator {
			continue
		}
		k := objKey{o.typ, o.value}
		if o.gen == 0 {
			delete(c.current, k)
		} else {
			c.current[k], _ = c.generation(k, o.gen-1)
		}
	}
	clear(c.objs[m.objs:])
	c.objs = c.objs[:m.objs]
	for i := range c.objs {
		if c.objs[i].revoked > m.last {
			c.objs[i].revoked = 0
		}
	}
	c.log = c.log[:m.log]
	c.remarks = c.remarks[:m.remarks]
	c.eras = c.eras[:m.eras]
	c.last, c.src, c.prev, c.opts, c.changes = m.last, m.src, m.prev, m.opts, m.changes
	c.basis, c.early, c.earlyUnder = m.basis, m.early, m.earlyUnder
}
