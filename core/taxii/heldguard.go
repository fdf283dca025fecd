package taxii

import (
	"slices"

	"github.com/cratos-project/cratos/core/indicator"
)

// KeptOut reports whether the operator's guard settings a refresh was
// made under keep an indicator (its kind and value) out of the
// collection.
type KeptOut func(indicator.Indicator) bool

// revokeKeptOut is the part of a held refresh the operator's settings
// cause: it revokes, at t (unix ms, after c.last), the active indicators
// keptOut names, as a refresh revokes them, and leaves the rest as it
// was. They are noted in c.early, by kind and value (a merge moves
// objects), until a refresh is applied. It reports whether anything was
// revoked. c.mu is held.
func (c *Collection) revokeKeptOut(keptOut KeptOut, t int64) bool {
	var out []int32
	for i := range c.objs {
		o := &c.objs[i]
		if o.kind == kindIndicator && o.revoked == 0 && keptOut(indicator.Indicator{Type: o.typ, Value: o.value}) {
			out = append(out, int32(i))
		}
	}
	if len(out) == 0 {
		return false
	}
	fresh := make([]record, 0, len(out))
	for _, i := range out {
		o := &c.objs[i]
		o.revoked = t
		fresh = append(fresh, record{added: t, obj: i, revoked: true})
		c.early = append(c.early, objKey{o.typ, o.value})
	}
	c.record(fresh, t)
	// What the collection carries now, for the next refresh's comparison
	// with the indicators it was made of.
	c.prev = slices.DeleteFunc(slices.Clone(c.prev), func(in indicator.Indicator) bool { return keptOut(in) })
	return true
}

// restoreKeptOut carries again, at t, the indicators of c.early that
// keptOut no longer names (the guard's settings changed back during the
// hold), each as a new object of the next generation, as a refresh
// brings back a revoked indicator. It reports whether anything was
// added. c.mu is held.
func (c *Collection) restoreKeptOut(keptOut KeptOut, t int64) bool {
	var fresh []record
	still := c.early[:0:0]
	for _, k := range c.early {
		i, ok := c.current[k]
		if !ok || c.objs[i].revoked == 0 {
			continue // carried again by another way
		}
		if keptOut(indicator.Indicator{Type: k.typ, Value: k.value}) {
			still = append(still, k)
			continue
		}
		o := c.objs[i]
		n := object{kind: kindIndicator, typ: o.typ, value: o.value, gen: o.gen + 1, created: o.created, added: t, seen: c.epoch}
		n.id = indicatorID(c.scope, n.typ, n.value, n.gen)
		c.objs = append(c.objs, n)
		j := int32(len(c.objs) - 1)
		c.current[k], c.byID[n.id] = j, j
		fresh = append(fresh, record{added: t, obj: j})
	}
	c.early = still
	if len(fresh) == 0 {
		return false
	}
	c.record(fresh, t)
	c.prev = nil // not known: the next refresh compares what is carried
	return true
}

// record adds fresh, object versions dated t, to the log. c.mu is held.
func (c *Collection) record(fresh []record, t int64) {
	slices.SortFunc(fresh, c.compare)
	c.log = append(c.log, fresh...)
	c.last = t
	c.changes++
}
