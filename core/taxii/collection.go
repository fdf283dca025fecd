package taxii

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// Object kinds.
const (
	kindIndicator uint8 = iota
	kindMeta            // identity or marking-definition: fixed bytes
)

// object is one STIX object of a collection with its (at most two)
// versions: the indicator as first seen, added at added, and, once the
// indicator left the feed, the revoked version added at revoked.
type object struct {
	kind    uint8
	typ     indicator.Type
	gen     uint32 // 0, then one more each time a revoked indicator returns
	seen    uint32 // the last refresh that found it in the feed
	value   string
	id      string
	created int64  // unix seconds (the attribute's timestamp when first seen)
	added   int64  // unix ms: date_added of the first version
	revoked int64  // unix ms: date_added of the revoked version; 0 while active
	raw     []byte // kindMeta: the object
	version string // kindMeta: its version (modified, else created)
}

// record is one object version in date_added order: the first, one
// added by a re-marking (remark) or the revoked one.
type record struct {
	added   int64 // unix ms
	obj     int32
	revoked bool
	remark  bool
}

type objKey struct {
	typ   indicator.Type
	value string
}

// Collection is the history of one feed as seen through one MISP key.
// Its indicator ids are derived from the collection id (scope), so a
// revocation in one collection never revokes what another serves. It is
// safe for concurrent use.
type Collection struct {
	mu    sync.RWMutex
	scope string // the collection id
	// legacy counts the first objects, loaded from a history whose ids
	// were the same in every collection: they keep those ids, and the
	// next apply revokes those still active and adds their indicators
	// again under ids of the collection.
	legacy  int
	objs    []object
	current map[objKey]int32 // the newest generation of each indicator
	byID    map[string]int32
	log     []record // sorted by (added, id, revoked)
	last    int64    // newest date_added (ms)
	remarks []int64  // date_added of each re-marking (remark.go), ascending
	eras    []era    // the options before each change of producer or marking (era.go)
	epoch   uint32
	src     any                   // the snapshot last applied
	prev    []indicator.Indicator // its indicators (shared, never modified)
	pending *pending              // a refresh the gate held
	early   []objKey              // indicators held refreshes revoked as kept out (heldguard.go), until one is applied
	// earlyUnder names the guard's settings (Basis.Settings) of the held
	// refresh that last judged early: one under the same settings
	// carries none of them again.
	earlyUnder string
	basis      *Basis // what the refresh last applied was made of; nil: not known
	stored     *Basis // the Basis a restart reads (basisfile.go); nil: not known
	changes    uint64
	opts       map[string]string
}

// NewCollection returns an empty collection whose id is id.
func NewCollection(id string) *Collection {
	return &Collection{scope: id, current: map[objKey]int32{}, byID: map[string]int32{}}
}

// stixTypes are the indicator kinds the stix21 renderer can express.
var stixTypes = indicator.SetOf(stix21.Renderer{}.Info().Types...)

// Types returns the indicator kinds a collection holds.
func Types() indicator.TypeSet { return stixTypes }

// Changes counts the refreshes that changed the collection; a cached
// response is valid while it is unchanged.
func (c *Collection) Changes() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.changes
}

// Len returns how many object versions the collection holds.
func (c *Collection) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.log)
}

// Apply brings the collection up to date with a feed's indicators (a
// Normalize'd list). src identifies the snapshot: applying the same src
// again is free, and an Ordered src older than the applied one changes
// nothing. Indicators new to the collection are added with
// date_added now; indicators that left it get a revoked version added
// now; one that returns after being revoked is a new object (a revoked
// STIX object is never un-revoked). opts are the site's stix21 options.
// Apply reports whether anything changed.
func (c *Collection) Apply(src any, ins []indicator.Indicator, opts map[string]string, now time.Time) (bool, error) {
	return c.ApplyView(src, func() []indicator.Indicator { return ins }, opts, now)
}

// ApplyView is Apply with the indicators computed only when src differs
// from the last applied source.
func (c *Collection) ApplyView(src any, view func() []indicator.Indicator, opts map[string]string, now time.Time) (bool, error) {
	changed, _, err := c.ApplyGated(src, view, opts, now, nil)
	return changed, err
}

// apply is ApplyView's change, with c.mu held. found, when not nil, is
// what c.current held for each of ins (-1: nothing), looked up under the
// same lock.
func (c *Collection) apply(src any, ins []indicator.Indicator, found []int32, opts map[string]string, now time.Time, enc *stix21.Objects) bool {
	t := max(now.UnixMilli(), c.last+1)
	c.epoch++
	var fresh []record
	addMeta := func(id string, raw []byte) {
		if _, ok := c.byID[id]; ok || raw == nil {
			return
		}
		c.objs = append(c.objs, object{kind: kindMeta, id: id, raw: slices.Clone(raw), version: versionOf(raw), added: t})
		i := int32(len(c.objs) - 1)
		c.byID[id] = i
		fresh = append(fresh, record{added: t, obj: i})
	}
	addMeta(enc.Identity())
	addMeta(enc.Marking())
	for j, in := range ins {
		if !stixTypes.Has(in.Type) {
			continue
		}
		k := objKey{in.Type, in.Value}
		var i int32
		var known bool
		if found != nil && found[j] >= 0 {
			i, known = found[j], true
		} else {
			i, known = c.current[k]
		}
		if known && c.objs[i].revoked == 0 && int(i) >= c.legacy {
			c.objs[i].seen = c.epoch
			continue
		}
		if _, ok := enc.Indicator(in); !ok {
			continue
		}
		o := object{kind: kindIndicator, typ: in.Type, value: in.Value, created: createdAt(in.Timestamp, t), added: t, seen: c.epoch}
		if known {
			o.gen = c.objs[i].gen + 1
		}
		o.id = indicatorID(c.scope, in.Type, in.Value, o.gen)
		c.objs = append(c.objs, o)
		n := int32(len(c.objs) - 1)
		c.current[k] = n
		c.byID[o.id] = n
		fresh = append(fresh, record{added: t, obj: n})
	}
	for i := range c.objs {
		o := &c.objs[i]
		if o.kind == kindIndicator && o.revoked == 0 && o.seen != c.epoch {
			o.revoked = t
			fresh = append(fresh, record{added: t, obj: int32(i), revoked: true})
		}
	}
	// A version is encoded with the options it was made under: a new
	// producer or marking starts an era (era.go), and a new marking is a
	// new version of every active indicator.
	optsChanged := !mapsEqual(opts, c.opts)
	if newEra, remarked := c.remarked(opts); optsChanged && newEra {
		c.newEra(t)
		if remarked {
			fresh = c.remark(fresh, t)
		}
	}
	c.src, c.opts, c.prev, c.basis, c.early, c.earlyUnder = src, opts, ins, basisOf(src), nil, ""
	if len(fresh) == 0 {
		if optsChanged {
			c.changes++
		}
		return optsChanged
	}
	slices.SortFunc(fresh, c.compare)
	c.log = append(c.log, fresh...)
	c.last = t
	c.changes++
	return true
}

// createdAt returns the created time (unix seconds) of an object added
// at t (unix ms) for an attribute timestamped ts: ts, or the second of t
// when ts is unknown or later than t. An attribute time ahead of the
// clock (MISP on a skewed clock, a date typed in the future) would
// otherwise put valid_from past date_added, leaving the indicator
// unenforced until then where valid_from is honoured. Objects already
// saved keep their created time: a version never changes.
func createdAt(ts, t int64) int64 {
	if ts <= 0 || ts > t/1000 {
		return t / 1000
	}
	return ts
}

// sameIndicators reports whether a and b hold the same kinds and values
// in the same order.
func sameIndicators(a, b []indicator.Indicator) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}

// indicatorID is the id of generation gen of an indicator in the
// collection whose id is scope. Scope "" gives the ids of histories
// saved before ids were scoped: the stix21 renderer's id for the first
// generation and a derived one for each later generation.
func indicatorID(scope string, t indicator.Type, v string, gen uint32) string {
	switch {
	case scope != "":
		return "indicator--" + stix21.NameUUID("taxii-indicator|"+scope+"|"+t.String()+"|"+v+"|"+itoa(int64(gen)))
	case gen == 0:
		return stix21.IndicatorID(indicator.Indicator{Type: t, Value: v})
	}
	return "indicator--" + stix21.NameUUID("taxii|"+t.String()+"|"+v+"|"+itoa(int64(gen)))
}

// generation returns the object of generation gen of k, whichever id
// scheme it has.
func (c *Collection) generation(k objKey, gen uint32) (int32, bool) {
	if i, ok := c.byID[indicatorID(c.scope, k.typ, k.value, gen)]; ok {
		return i, true
	}
	i, ok := c.byID[indicatorID("", k.typ, k.value, gen)]
	return i, ok
}

// migrating reports whether an apply is to move indicators from legacy
// ids to ids of the collection.
func (c *Collection) migrating() bool {
	for i := range c.objs[:c.legacy] {
		if c.objs[i].kind == kindIndicator && c.objs[i].revoked == 0 {
			return true
		}
	}
	return false
}

func (c *Collection) compare(a, b record) int {
	if r := cmp.Compare(a.added, b.added); r != 0 {
		return r
	}
	if r := strings.Compare(c.objs[a.obj].id, c.objs[b.obj].id); r != 0 {
		return r
	}
	return cmp.Compare(b2i(a.revoked), b2i(b.revoked))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// isLatest reports whether r is its object's newest version.
func (c *Collection) isLatest(r record) bool {
	o := &c.objs[r.obj]
	switch {
	case r.revoked:
		return true
	case o.revoked != 0:
		return false
	case r.remark:
		return r.added == c.lastRemark(o)
	}
	return c.lastRemark(o) == 0
}

// isFirst reports whether r is its object's first version.
func (c *Collection) isFirst(r record) bool { return !r.revoked && !r.remark }

// version returns r's version: its modified time (created for objects
// that have none).
func (c *Collection) version(r record) string {
	o := &c.objs[r.obj]
	switch {
	case o.kind == kindMeta:
		return o.version
	case r.revoked:
		return stamp(c.revokedMS(o))
	case r.remark:
		return stamp(c.modifiedAt(o, r.added))
	}
	return stamp(o.created * 1000)
}

// typeOf returns the STIX type of r's object.
func (c *Collection) typeOf(r record) string {
	id := c.objs[r.obj].id
	t, _, _ := strings.Cut(id, "--")
	return t
}

// replaceField replaces the string value of the first field named by
// prefix (`"name":"`) at or after start; in place when the lengths agree
// (ids and timestamps), as b is a whole page.
func replaceField(b []byte, start int, prefix, value string) []byte {
	i := bytes.Index(b[start:], []byte(prefix))
	if i < 0 {
		return b
	}
	i += start + len(prefix)
	j := bytes.IndexByte(b[i:], '"')
	if j < 0 {
		return b
	}
	if j == len(value) {
		copy(b[i:], value)
		return b
	}
	return slices.Concat(b[:i], []byte(value), b[i+j:])
}

// versionOf returns the modified (else created) time of a STIX object.
func versionOf(raw []byte) string {
	for _, f := range []string{`"modified":"`, `"created":"`} {
		if i := strings.Index(string(raw), f); i >= 0 {
			rest := string(raw[i+len(f):])
			if j := strings.IndexByte(rest, '"'); j >= 0 {
				return rest[:j]
			}
		}
	}
	return ""
}

// stamp formats unix milliseconds as a STIX/TAXII timestamp.
func stamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// timeZero dates nothing: every served indicator has its own timestamp.
var timeZero = time.Unix(0, 0).UTC()
