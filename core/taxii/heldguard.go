package taxii

import (
	"slices"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// KeptOut reports whether the operator's guard settings a refresh was
// made under keep an indicator (its kind and value) out of the
// collection.
type KeptOut func(indicator.Indicator) bool

// revokeKeptOut is the part of a held refresh the operator's settings
// cause: it revokes, at now, the active indicators keptOut (nil: none)
// names, as a refresh revokes them, and leaves the rest as it was.
// save (nil: none) is called before the change can be read; when it
// fails the change is taken back. It reports whether anything was
// revoked. c.mu is held.
func (c *Collection) revokeKeptOut(keptOut KeptOut, now time.Time, save func() error) (bool, error) {
	if keptOut == nil {
		return false, nil
	}
	var out []int32
	for i := range c.objs {
		o := &c.objs[i]
		if o.kind == kindIndicator && o.revoked == 0 && keptOut(indicator.Indicator{Type: o.typ, Value: o.value}) {
			out = append(out, int32(i))
		}
	}
	if len(out) == 0 {
		return false, nil
	}
	before := c.mark()
	t := max(now.UnixMilli(), c.last+1)
	fresh := make([]record, 0, len(out))
	for _, i := range out {
		c.objs[i].revoked = t
		fresh = append(fresh, record{added: t, obj: i, revoked: true})
	}
	slices.SortFunc(fresh, c.compare)
	c.log = append(c.log, fresh...)
	c.last = t
	c.changes++
	// What the collection carries now, for the next refresh's comparison
	// with the indicators it was made of.
	c.prev = slices.DeleteFunc(slices.Clone(c.prev), func(in indicator.Indicator) bool { return keptOut(in) })
	if save != nil {
		if err := save(); err != nil {
			c.rollback(before)
			return false, err
		}
	}
	return true, nil
}
