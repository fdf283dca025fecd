package taxii

import (
	"sort"

	"github.com/cratos-project/cratos/renderers/stix21"
)

// A re-marking is a new version of every active indicator, added when
// the site's stix21 options give the indicators another TLP marking
// (object_marking_refs): a client that
// keeps the latest version of each id would otherwise keep what it read
// before, TLP:CLEAR after a change to TLP:RED. Collection.remarks holds the
// date_added of each re-marking; an indicator has a version at each
// one that finds it active, so no record of it is kept per object.

// producer returns the identity and marking ids objects encoded with
// opts refer to; ok is false when opts do not parse.
func producer(opts map[string]string) (identity, marking string, ok bool) {
	enc, err := stix21.NewObjects(opts, timeZero)
	if err != nil {
		return "", "", false
	}
	identity, _ = enc.Identity()
	marking, _ = enc.Marking()
	return identity, marking, true
}

// remarked reports whether opts give the collection's indicators
// another producer or marking than its options did (a new era), and
// whether another marking (a new version of each active indicator: an
// indicator keeps the producer of its first version, see encode).
func (c *Collection) remarked(opts map[string]string) (era, marking bool) {
	oldID, oldMarking, ok1 := producer(c.opts)
	newID, newMarking, ok2 := producer(opts)
	marking = !ok1 || !ok2 || oldMarking != newMarking
	return marking || oldID != newID, marking
}

// remark adds, at t, a version of every indicator active after the
// apply of t that was added before it, and returns fresh with them.
func (c *Collection) remark(fresh []record, t int64) []record {
	n := len(fresh)
	for i := range c.objs {
		o := &c.objs[i]
		if o.kind == kindIndicator && o.revoked == 0 && o.added < t {
			fresh = append(fresh, record{added: t, obj: int32(i), remark: true})
		}
	}
	if len(fresh) > n {
		c.remarks = append(c.remarks, t)
	}
	return fresh
}

// remarksOf returns the re-markings that gave o a version, in order.
func (c *Collection) remarksOf(o *object) []int64 {
	if o.kind != kindIndicator || len(c.remarks) == 0 {
		return nil
	}
	from := sort.Search(len(c.remarks), func(i int) bool { return c.remarks[i] > o.added })
	to := len(c.remarks)
	if o.revoked != 0 {
		to = sort.Search(len(c.remarks), func(i int) bool { return c.remarks[i] >= o.revoked })
	}
	return c.remarks[from:max(from, to)]
}

// modifiedAt returns the modified time (unix ms) of o's version added at
// the re-marking at, or of its newest version before its revoked one
// when at is 0: the re-marking's time, but always after the version
// before it (an attribute dated ahead of Cratos's clock).
func (c *Collection) modifiedAt(o *object, at int64) int64 {
	m := o.created * 1000
	for _, r := range c.remarksOf(o) {
		if at != 0 && r > at {
			break
		}
		m = max(r, m+1)
	}
	return m
}

// lastRemark returns the date_added of o's newest re-marked version, or
// 0 when it has none.
func (c *Collection) lastRemark(o *object) int64 {
	if rs := c.remarksOf(o); len(rs) > 0 {
		return rs[len(rs)-1]
	}
	return 0
}

// revokedMS is the modified time of o's revoked version: when Cratos
// saw the indicator leave, and always after its versions before.
func (c *Collection) revokedMS(o *object) int64 { return max(o.revoked, c.modifiedAt(o, 0)+1) }
