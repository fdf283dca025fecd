package taxii

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// A user's history takes over the histories kept per MISP key before
// (one per key of the user): the first key seen adopts its own (load),
// each other key's is merged in when that key first appears, since
// Cratos only learns which file is a key's when the key is used. The
// merged history is a continuation of both: a client of either key
// polling added_after its last poll ends with the list the user's
// history serves, every other id it holds revoked, and no id it holds
// revoked is served active again.

// mergedFile names the file remembering that the history kept for the
// MISP key legacy was merged into key's, so it is merged once.
func mergedFile(key, legacy string) string {
	sum := sha256.Sum256([]byte("merged|" + key + "|" + legacy))
	return "taxii-merged-" + hex.EncodeToString(sum[:16])
}

// mergeLegacy merges the history kept per MISP key under legacy into c,
// the history of key, once: saved, then remembered in the state
// directory. A legacy history c continues (the one c adopted) or that
// holds nothing is only remembered.
func (m *Manager) mergeLegacy(key, legacy, id string, c *Collection) error {
	if m.dir == nil || m.isMerged(key, legacy) {
		return nil
	}
	name := mergedFile(key, legacy)
	b, found, err := m.dir.Read(name)
	if err != nil {
		return err
	}
	if found && len(b) > 0 {
		m.setMerged(key, legacy)
		return nil
	}
	other, err := m.load(legacy, id, "")
	if err != nil {
		return err
	}
	if other.Len() == 0 {
		// Nothing held (no file): nothing to remember either.
		m.setMerged(key, legacy)
		return nil
	}
	c.mu.Lock()
	if !c.continues(other) {
		before := c.mergeMark()
		c.merge(other, time.Now())
		if err := m.save(key, c); err != nil {
			c.restore(before)
			c.mu.Unlock()
			return err
		}
		m.logger.Info("taxii collection history merged with one kept per MISP key", "file", fileName(key), "from", fileName(legacy))
	}
	c.mu.Unlock()
	return m.rememberMerged(key, legacy)
}

// rememberMerged records that legacy's history is part of key's.
func (m *Manager) rememberMerged(key, legacy string) error {
	if err := m.dir.Write(mergedFile(key, legacy), []byte("1")); err != nil {
		return err
	}
	m.setMerged(key, legacy)
	return nil
}

func (m *Manager) isMerged(key, legacy string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.merged[key+"\x00"+legacy]
	return ok
}

func (m *Manager) setMerged(key, legacy string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.merged == nil {
		m.merged = map[string]struct{}{}
	}
	m.merged[key+"\x00"+legacy] = struct{}{}
}

// continues reports whether c is b carried on (b is the history c
// adopted): b's objects are c's first, as b had them but for
// revocations after b's last version.
func (c *Collection) continues(b *Collection) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if len(b.objs) > len(c.objs) || b.legacy != c.legacy || len(b.remarks) > len(c.remarks) ||
		!slices.Equal(b.remarks, c.remarks[:len(b.remarks)]) {
		return false
	}
	for i := range b.objs {
		o, p := &c.objs[i], &b.objs[i]
		if o.id != p.id || o.added != p.added || o.created != p.created ||
			o.revoked != p.revoked && (p.revoked != 0 || o.revoked <= b.last) {
			return false
		}
	}
	return true
}

// mergeState is what restore puts back when a merge is not saved.
type mergeState struct {
	objs    []object
	legacy  int
	current map[objKey]int32
	byID    map[string]int32
	log     []record
	last    int64
	remarks []int64
	eras    []era
	opts    map[string]string
	src     any
	prev    []indicator.Indicator
	pending *pending
	basis   *Basis
	changes uint64
}

func (c *Collection) mergeMark() mergeState {
	return mergeState{c.objs, c.legacy, c.current, c.byID, c.log, c.last, c.remarks, c.eras, c.opts, c.src, c.prev, c.pending, c.basis, c.changes}
}

func (c *Collection) restore(s mergeState) {
	c.objs, c.legacy, c.current, c.byID, c.log, c.last, c.remarks = s.objs, s.legacy, s.current, s.byID, s.log, s.last, s.remarks
	c.eras, c.opts, c.src, c.prev, c.pending, c.basis, c.changes = s.eras, s.opts, s.src, s.prev, s.pending, s.basis, s.changes
}

// merge makes c, whose lock the caller holds, the continuation of both
// c and b (another key's history of the same feed and user), at t after
// both: c's list stays the list served, every generation of either is
// kept, an id active in one and revoked or missing in the other is
// revoked at t (its indicator, when on c's list, active again under an
// id of b's or of a new generation, added at t), and when b's client
// may lack the version c serves of an active indicator every active
// indicator gets a version at t (a re-marking). It builds new slices and
// maps, so the state before stays whole for restore.
func (c *Collection) merge(b *Collection, now time.Time) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	// The merged history is made of no one refresh: its basis is not known.
	defer func() { c.src, c.prev, c.pending, c.basis = nil, nil, nil, nil; c.changes++ }()
	if len(c.log) == 0 {
		// Nothing served yet: b's history is taken as it is.
		c.objs, c.legacy, c.last, c.opts = slices.Clone(b.objs), b.legacy, b.last, b.opts
		c.remarks, c.eras = slices.Clone(b.remarks), slices.Clone(b.eras)
		c.index()
		return
	}
	t := max(now.UnixMilli(), c.last+1, b.last+1)
	objs := slices.Clone(c.objs)
	maxGen := map[objKey]uint32{}
	onList := map[objKey]bool{} // active in c, and to stay on its list
	remark := false
	for i := range objs {
		o := &objs[i]
		if o.kind != kindIndicator {
			continue
		}
		k := objKey{o.typ, o.value}
		maxGen[k] = max(maxGen[k], o.gen)
		j, inB := b.byID[o.id]
		var p *object
		if inB {
			p = &b.objs[j]
		}
		switch {
		case o.revoked == 0 && inB && p.revoked != 0:
			o.revoked = t // b's client holds it revoked
			onList[k] = true
		case o.revoked == 0:
			remark = remark || !inB || c.differs(o, b, p)
		case inB && (p.revoked == 0 || p.revoked > o.revoked):
			o.revoked = t // b's client holds it active, or revoked after c did
		}
	}
	// Each version keeps the options it was made under: those of c's
	// eras for c's, of b's for the versions of b's revoked objects kept
	// as b served them.
	points := make([]eraPoint, 0, len(c.log))
	for _, r := range c.log {
		points = append(points, eraPoint{r.added, c.optsAt(r.added)})
	}
	var legacyOnly, only []object
	bGen := map[objKey]uint32{} // the newest generation of b's objects c lacks
	for j := range b.objs {
		p := b.objs[j]
		if _, ok := c.byID[p.id]; ok || p.kind != kindIndicator {
			continue
		}
		k := objKey{p.typ, p.value}
		maxGen[k] = max(maxGen[k], p.gen)
		if g, ok := bGen[k]; !ok || g < p.gen {
			bGen[k] = p.gen
		}
		if p.revoked != 0 {
			points = append(points, eraPoint{p.added, b.optsAt(p.added)}, eraPoint{p.revoked, b.optsAt(p.revoked)})
		} else {
			p.added = t // c's client lacks it
			if !onList[k] {
				p.revoked = t
			}
			delete(onList, k)
		}
		p.seen = 0
		if j < b.legacy {
			legacyOnly = append(legacyOnly, p)
		} else {
			only = append(only, p)
		}
	}
	// An indicator c serves that b holds under an id c lacks (the ids of
	// a legacy history, a later generation) at its generation or after
	// would no longer be the newest generation, the one a refresh
	// compares: it comes back as the next generation too.
	for i := range objs {
		o := &objs[i]
		if o.kind != kindIndicator || o.revoked != 0 {
			continue
		}
		k := objKey{o.typ, o.value}
		if g, ok := bGen[k]; ok && g >= o.gen {
			o.revoked = t
			onList[k] = true
		}
	}
	// Indicators on c's list whose id b's client holds revoked come back
	// as the next generation.
	for k := range onList {
		i := c.current[k]
		o := object{kind: kindIndicator, typ: k.typ, value: k.value, gen: maxGen[k] + 1, created: createdAt(c.objs[i].created, t), added: t}
		o.id = indicatorID(c.scope, o.typ, o.value, o.gen)
		only = append(only, o)
	}
	slices.SortFunc(only[len(only)-len(onList):], func(a, b object) int {
		return strings.Compare(a.id, b.id)
	})
	slices.SortStableFunc(points, func(a, b eraPoint) int { return cmp.Compare(a.at, b.at) })
	c.eras = mergedEras(points, c.opts)
	c.objs = slices.Concat(objs[:c.legacy], legacyOnly, objs[c.legacy:], only)
	c.legacy += len(legacyOnly)
	if remark {
		c.remarks = append(slices.Clone(c.remarks), t)
	}
	c.last = t
	c.index()
}

// differs reports whether b's client may hold another version of o (an
// active object of c) than the newest c serves, or none yet that c's
// date_added would bring it: p is o in b.
func (c *Collection) differs(o *object, b *Collection, p *object) bool {
	at, bAt := max(o.added, c.lastRemark(o)), max(p.added, b.lastRemark(p))
	return bAt > at || p.created != o.created || b.modifiedAt(p, 0) != c.modifiedAt(o, 0) ||
		!maps.Equal(c.optsAt(at), b.optsAt(bAt))
}

// optsAt returns the options of the era a version added at ms was made in.
func (c *Collection) optsAt(ms int64) map[string]string {
	i := sort.Search(len(c.eras), func(i int) bool { return ms < c.eras[i].until })
	if i < len(c.eras) {
		return c.eras[i].opts
	}
	return c.opts
}

// index builds byID, current and log anew from objs and remarks, as
// UnmarshalState does.
func (c *Collection) index() {
	c.byID = make(map[string]int32, len(c.objs))
	c.current = make(map[objKey]int32, len(c.objs))
	c.log = make([]record, 0, len(c.objs)*2)
	for i := range c.objs {
		o := &c.objs[i]
		n := int32(i)
		c.indexObject(n)
		c.log = append(c.log, record{added: o.added, obj: n})
		for _, at := range c.remarksOf(o) {
			c.log = append(c.log, record{added: at, obj: n, remark: true})
		}
		if o.revoked != 0 {
			c.log = append(c.log, record{added: o.revoked, obj: n, revoked: true})
		}
	}
	slices.SortFunc(c.log, c.compare)
}
