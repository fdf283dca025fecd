package taxii

import (
	"maps"
	"sort"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// An era is a span of the collection's history under one producer and
// TLP marking. A STIX version (id and modified) never changes, so each
// version is encoded with the options of the era its date_added falls
// in, not with the current ones: the first version of an indicator
// stays TLP:CLEAR after a change to TLP:RED added its TLP:RED version.
// Collection.eras holds the options of each era before the current one
// (whose options are Collection.opts), a few entries per history.
type era struct {
	until int64 // unix ms: the date_added the next era starts at
	opts  map[string]string
}

// newEra ends the current era at t, when versions were made under it.
// t becomes the newest date_added, so no later version is dated in the
// era that ended.
func (c *Collection) newEra(t int64) {
	if len(c.log) == 0 {
		return
	}
	c.eras = append(c.eras, era{until: t, opts: c.opts})
	c.last = max(c.last, t)
}

// encoders encodes the versions of one response: an encoder per era,
// made on first use.
type encoders struct {
	c    *Collection
	encs []*stix21.Objects // one per era, the current one last
}

// encoders returns the encoders of c's eras; err is that of the current
// options.
func (c *Collection) encoders() (*encoders, error) {
	enc, err := stix21.NewObjects(c.opts, timeZero)
	if err != nil {
		return nil, err
	}
	e := &encoders{c: c, encs: make([]*stix21.Objects, len(c.eras)+1)}
	e.encs[len(c.eras)] = enc
	return e, nil
}

// at returns the encoder of the era a version added at ms was made in,
// nil when that era's options no longer parse.
func (e *encoders) at(ms int64) *stix21.Objects {
	eras := e.c.eras
	i := sort.Search(len(eras), func(i int) bool { return ms < eras[i].until })
	if e.encs[i] == nil {
		enc, err := stix21.NewObjects(eras[i].opts, timeZero)
		if err != nil {
			return nil
		}
		e.encs[i] = enc
	}
	return e.encs[i]
}

// encode appends r's object to dst, as it was when r was made, but
// for its producer: created_by_ref never changes across the versions of
// an object (STIX 2.1, 3.6), so every version has the producer of the
// first.
// Nothing is appended when r is not served (served).
func (c *Collection) encode(dst []byte, encs *encoders, r record) []byte {
	o := &c.objs[r.obj]
	if o.kind == kindMeta {
		return append(dst, o.raw...)
	}
	b, enc, first := c.indicatorOf(encs, r)
	if b == nil {
		return dst
	}
	start := len(dst)
	dst = append(dst, b...)
	if o.gen > 0 || int(r.obj) >= c.legacy {
		dst = replaceField(dst, start, `"id":"`, o.id)
	}
	if enc != first {
		by, _ := first.Identity()
		dst = replaceField(dst, start, `"created_by_ref":"`, by)
	}
	switch {
	case r.remark:
		dst = replaceField(dst, start, `"modified":"`, stamp(c.modifiedAt(o, r.added)))
	case r.revoked:
		dst = replaceField(dst, start, `"modified":"`, stamp(c.revokedMS(o)))
		dst = append(dst[:len(dst)-1], `,"revoked":true}`...)
	}
	return dst
}

// served reports whether r's version is ever sent: every version is but
// an indicator's that its era's encoder refuses (a value, or options,
// of a history an earlier version wrote; Apply only keeps indicators the
// encoder accepts). Objects, manifest and versions list the same ones.
func (c *Collection) served(encs *encoders, r record) bool {
	if c.objs[r.obj].kind == kindMeta {
		return true
	}
	b, _, _ := c.indicatorOf(encs, r)
	return b != nil
}

// indicatorOf returns the indicator of r as the encoder of its era
// writes it, with that encoder and the one of its first version; b is
// nil when r is not served.
func (c *Collection) indicatorOf(encs *encoders, r record) (b []byte, enc, first *stix21.Objects) {
	o := &c.objs[r.obj]
	enc, first = encs.at(r.added), encs.at(o.added)
	if enc == nil || first == nil {
		return nil, nil, nil
	}
	b, ok := enc.Indicator(indicator.Indicator{Type: o.typ, Value: o.value, Timestamp: o.created})
	if !ok {
		return nil, nil, nil
	}
	return b, enc, first
}

// eraPoint is a version's date_added and the options it was made under.
type eraPoint struct {
	at   int64
	opts map[string]string
}

// mergedEras returns the eras under which the version of each point is
// encoded with its own options, and from the last point on with
// current. points are sorted by date; at one date, the first point's
// options are kept (two histories made versions at the same millisecond
// under different options).
func mergedEras(points []eraPoint, current map[string]string) []era {
	if len(points) == 0 {
		return nil
	}
	var eras []era
	cur, at := points[0].opts, points[0].at
	for _, p := range append(points[1:], eraPoint{at: points[len(points)-1].at + 1, opts: current}) {
		if p.at != at && !maps.Equal(p.opts, cur) {
			eras = append(eras, era{until: p.at, opts: cur})
			cur = p.opts
		}
		at = p.at
	}
	return eras
}
