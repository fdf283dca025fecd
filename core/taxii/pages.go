package taxii

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/internal/jsonstr"
)

// StixMediaType is the media type of every object of a collection.
const StixMediaType = "application/stix+json;version=2.1"

// Page is one response body with the date_added range of what it holds.
type Page struct {
	Body []byte
	// First and Last are the X-TAXII-Date-Added-First and -Last values;
	// empty when the page holds nothing.
	First, Last string
}

// errNotFound is the answer for an unknown object id, and for an object
// none of whose versions is served.
var errNotFound = &Error{Status: 404, Title: "object not found", Description: "the collection holds no object with this id"}

// Objects returns a page of the objects envelope: every object of the
// collection, or only the one named id when id is not empty.
func (c *Collection) Objects(q Query, id string) (Page, *Error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	encs, e := c.pageEncoders(id)
	if e != nil {
		return Page{}, e
	}
	cands := c.candidates(q, id)
	var recs []record
	more := false
	objs := make([]byte, 0, min(min(len(cands), q.Limit)*600, maxPageBytes))
	for _, r := range cands {
		if !c.matches(q, r, true) {
			continue
		}
		before := len(objs)
		if before > 0 {
			objs = append(objs, ',')
		}
		if objs = c.encode(objs, encs, r); len(objs) <= before+1 {
			// Not encoded (a value the encoder refuses, in a history
			// written by another version): left out, separator too, and
			// the page filled from what follows.
			objs = objs[:before]
			continue
		}
		// TAXII lets a server return fewer objects than limit: a page
		// also ends once it holds maxPageBytes. more is true only when a
		// version that is served follows.
		if len(recs) == q.Limit || before >= maxPageBytes {
			objs, more = objs[:before], true
			break
		}
		recs = append(recs, r)
	}
	b := envelopeStart(recs, more)
	b = append(b, `"objects":[`...)
	b = append(b, objs...)
	return c.finish(append(b, `]}`...), recs), nil
}

var errInternal = &Error{Status: 500, Title: "internal error"}

// pageEncoders returns the encoders of a page, of object id's versions
// when id is not empty: errNotFound when the collection serves none of
// them, as when it holds no such object.
func (c *Collection) pageEncoders(id string) (*encoders, *Error) {
	i, ok := c.byID[id]
	if id != "" && !ok {
		return nil, errNotFound
	}
	encs, err := c.encoders()
	if err != nil {
		return nil, errInternal
	}
	if id == "" || c.objs[i].kind == kindMeta {
		return encs, nil
	}
	for _, r := range c.candidates(Query{specOK: true}, id) {
		if c.served(encs, r) {
			return encs, nil
		}
	}
	return nil, errNotFound
}

// maxPageBytes ends a page of objects early (large rules): the objects
// that follow are on the next page.
const maxPageBytes = 16 << 20

// Manifest returns a page of the manifest resource: the versions the
// objects resource serves, paged as it pages them.
func (c *Collection) Manifest(q Query) (Page, *Error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	encs, e := c.pageEncoders("")
	if e != nil {
		return Page{}, e
	}
	recs, more := c.select_(q, "", true, encs)
	b := envelopeStart(recs, more)
	b = append(b, `"objects":[`...)
	for i, r := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":"`...)
		b = jsonstr.AppendEscaped(b, c.objs[r.obj].id)
		b = append(b, `","date_added":"`...)
		b = append(b, stamp(r.added)...)
		b = append(b, `","version":"`...)
		b = append(b, c.version(r)...)
		b = append(b, `","media_type":"`+StixMediaType+`"}`...)
	}
	return c.finish(append(b, `]}`...), recs), nil
}

// Versions returns a page of the versions resource of object id: the
// versions the objects resource serves.
func (c *Collection) Versions(q Query, id string) (Page, *Error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	encs, e := c.pageEncoders(id)
	if e != nil {
		return Page{}, e
	}
	q.last, q.first, q.all, q.exact = false, false, true, nil
	recs, more := c.select_(q, id, false, encs)
	b := envelopeStart(recs, more)
	b = append(b, `"versions":[`...)
	for i, r := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, c.version(r)...)
		b = append(b, '"')
	}
	return c.finish(append(b, `]}`...), recs), nil
}

func envelopeStart(recs []record, more bool) []byte {
	b := make([]byte, 0, 512+len(recs)*600)
	b = append(b, `{"more":`...)
	b = strconv.AppendBool(b, more)
	b = append(b, ',')
	if more {
		// The caller sets next; a placeholder keeps one allocation.
		b = append(b, `"next":"`+nextMark+`",`...)
	}
	return b
}

const nextMark = "\x00next\x00"

// finish fills in next and the date_added range.
func (c *Collection) finish(b []byte, recs []record) Page {
	if len(recs) == 0 {
		// TAXII's envelope properties are optional; an empty list is
		// left out rather than sent empty.
		return Page{Body: []byte(`{"more":false}`)}
	}
	p := Page{Body: b}
	first, last := recs[0], recs[len(recs)-1]
	p.First, p.Last = stamp(first.added), stamp(last.added)
	if i := strings.Index(string(b), nextMark); i >= 0 {
		next := cursor{added: last.added, id: c.objs[last.obj].id, revoked: last.revoked, coll: c.scope}.String()
		p.Body = slices.Concat(b[:i], []byte(next), b[i+len(nextMark):])
	}
	return p
}

// select_ returns the served records q selects (at most q.Limit) in
// date_added order and whether a served one follows, as Objects pages
// them. id, when set, restricts them to one object; versions applies the
// match[version] filter.
func (c *Collection) select_(q Query, id string, versions bool, encs *encoders) ([]record, bool) {
	var out []record
	for _, r := range c.candidates(q, id) {
		if !c.matches(q, r, versions) || !c.served(encs, r) {
			continue
		}
		if len(out) == q.Limit {
			return out, true
		}
		out = append(out, r)
	}
	return out, false
}

// candidates returns the records of the collection (of object id alone
// when id is set, of q's match[id] otherwise) in date_added order from
// where added_after and next put a page's start, before the other
// filters.
func (c *Collection) candidates(q Query, id string) []record {
	if !q.specOK {
		return nil
	}
	ids := q.ids
	if id != "" {
		ids = []string{id}
	}
	var cands []record
	if len(ids) > 0 {
		for _, s := range ids {
			i, ok := c.byID[s]
			if !ok {
				continue
			}
			o := &c.objs[i]
			cands = append(cands, record{added: o.added, obj: i})
			for _, at := range c.remarksOf(o) {
				cands = append(cands, record{added: at, obj: i, remark: true})
			}
			if o.revoked != 0 {
				cands = append(cands, record{added: o.revoked, obj: i, revoked: true})
			}
		}
		slices.SortFunc(cands, c.compare)
		cands = slices.CompactFunc(cands, func(a, b record) bool { return c.compare(a, b) == 0 })
	} else {
		cands = c.log
	}
	start := 0
	if q.hasAfter {
		start = sort.Search(len(cands), func(i int) bool { return cands[i].added > q.addedAfter })
	}
	// Another collection's next is no position here (a client polling
	// every collection may send one): the page starts as without it.
	if q.next != nil && (q.next.coll == "" || q.next.coll == c.scope) {
		start = max(start, sort.Search(len(cands), func(i int) bool { return c.afterCursor(cands[i], q.next) }))
	}
	return cands[start:]
}

func (c *Collection) afterCursor(r record, k *cursor) bool {
	if r.added != k.added {
		return r.added > k.added
	}
	id := c.objs[r.obj].id
	if id != k.id {
		return id > k.id
	}
	return r.revoked && !k.revoked
}

func (c *Collection) matches(q Query, r record, versions bool) bool {
	if q.types != nil {
		if _, ok := q.types[c.typeOf(r)]; !ok {
			return false
		}
	}
	if !versions {
		return true
	}
	switch {
	case q.all:
		return true
	case q.last && c.isLatest(r), q.first && c.isFirst(r):
		return true
	}
	if q.exact != nil {
		v, ok := ParseTimestamp(c.version(r))
		if !ok {
			return false
		}
		_, ok = q.exact[instantOf(v)]
		return ok
	}
	return false
}
