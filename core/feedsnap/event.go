package feedsnap

import (
	"errors"
	"unsafe"

	"github.com/cratos-project/cratos/core/indicator"
)

// Event is one event's attributes, sorted by uuid, held compactly: a
// fixed-size record each, without pointers, whose value, uuid, type and
// category are kept in a store shared with the other events read at the
// same time. A feed of millions of attributes is then a few large
// allocations the garbage collector never has to scan, rather than four
// strings an attribute. An Event is never changed once made.
type Event struct {
	recs []rec
	st   *store
}

// rec is one attribute. Its value and uuid lie one after the other in
// slab slab of its store, from off.
type rec struct {
	ts       int64
	off      uint32
	vlen     uint32
	ulen     uint32
	ev       uint32 // while a full read is joined: the event's place in its part
	slab     uint16
	typ, cat uint16 // indexes into the store's names
	toIDS    bool
}

// store holds the text of the attributes of one or more events: the type
// and category names they use and slabs of values and uuids.
type store struct {
	names []string
	slabs [][]byte
}

// slabSize is the size of a slab; a longer value and uuid get a slab of
// their own.
const slabSize = 1 << 20

// errTooLarge is a read whose text or names the compact form cannot
// index: far beyond what memory holds in practice, or a MISP that makes
// up a type name for every attribute.
var errTooLarge = errors.New("feedsnap: too many distinct type names or too much text in one read")

// writer fills a store: it interns names and appends text to slabs.
type writer struct {
	st    *store
	index map[string]uint16
	room  []byte // the unused end of the last slab
	err   error
}

func newWriter() *writer {
	return &writer{st: &store{}, index: map[string]uint16{}}
}

// name returns the index of s among the store's names.
func (w *writer) name(s string) uint16 {
	if i, ok := w.index[s]; ok {
		return i
	}
	if len(w.st.names) > 0xffff {
		w.err = errTooLarge
		return 0
	}
	i := uint16(len(w.st.names))
	w.st.names = append(w.st.names, s)
	w.index[s] = i
	return i
}

// rec copies a's value and uuid into the store and returns a's record.
func (w *writer) rec(a indicator.Attribute) rec {
	return w.put(rec{ts: a.Timestamp, typ: w.name(a.Type), cat: w.name(a.Category), toIDS: a.ToIDS}, a.Value, a.UUID)
}

// put copies value and uuid into the store and returns r holding them.
func (w *writer) put(r rec, value, uuid string) rec {
	r.vlen, r.ulen = uint32(len(value)), uint32(len(uuid))
	n := len(value) + len(uuid)
	if n == 0 {
		return r
	}
	if n > len(w.room) {
		size := max(n, slabSize)
		if len(w.st.slabs) > 0xffff || uint64(size) > 1<<32-1 {
			w.err = errTooLarge
			return rec{}
		}
		slab := make([]byte, size)
		w.st.slabs = append(w.st.slabs, slab)
		w.room = slab
	}
	slab := w.st.slabs[len(w.st.slabs)-1]
	off := len(slab) - len(w.room)
	copy(w.room, value)
	copy(w.room[len(value):], uuid)
	w.room = w.room[n:]
	r.off, r.slab = uint32(off), uint16(len(w.st.slabs)-1)
	return r
}

// trim shortens the last slab to what it holds.
func (w *writer) trim() {
	if k := len(w.st.slabs) - 1; k >= 0 {
		used := len(w.st.slabs[k]) - len(w.room)
		w.st.slabs[k] = w.st.slabs[k][:used:used]
		w.room = nil
	}
}

// NewEvent holds attrs as an Event with a store of its own, sorted by
// uuid as a stable sort would, with repeated uuids dropped (see
// uuidSorter.sortUnique).
func NewEvent(attrs []indicator.Attribute) (Event, error) {
	e, err := packEvent(attrs)
	if err != nil {
		return Event{}, err
	}
	var sorter uuidSorter
	return sorter.sortUnique(e), nil
}

// packEvent holds attrs, in their order, as an Event with a store of its
// own.
func packEvent(attrs []indicator.Attribute) (Event, error) {
	w := newWriter()
	text := 0
	for _, a := range attrs {
		text += len(a.Value) + len(a.UUID)
	}
	if text > 0 && text <= 1<<32-1 {
		slab := make([]byte, text)
		w.st.slabs, w.room = [][]byte{slab}, slab
	}
	recs := make([]rec, len(attrs))
	for i, a := range attrs {
		recs[i] = w.rec(a)
	}
	return Event{recs: recs, st: w.st}, w.err
}

// inPlace is b as a string, without a copy: only for a string that is
// copied at once and not kept.
func inPlace(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Len is the number of attributes.
func (e Event) Len() int { return len(e.recs) }

// text returns attribute i's value and uuid, one after the other, in
// place: valid as long as the store, never to be kept or changed.
func (e Event) text(i int) (value, uuid string) {
	r := &e.recs[i]
	if r.vlen+r.ulen == 0 {
		return "", ""
	}
	s := unsafe.String(&e.st.slabs[r.slab][r.off], int(r.vlen+r.ulen))
	return s[:r.vlen], s[r.vlen:]
}

// uuid returns attribute i's uuid in place (see text).
func (e Event) uuid(i int) string {
	_, u := e.text(i)
	return u
}

// Attr returns attribute i of event id, with strings of its own.
func (e Event) Attr(id int64, i int) indicator.Attribute {
	r := &e.recs[i]
	var both string
	if r.vlen+r.ulen > 0 {
		both = string(e.st.slabs[r.slab][r.off : r.off+r.vlen+r.ulen]) // a copy
	}
	return indicator.Attribute{
		Type: e.st.names[r.typ], Category: e.st.names[r.cat],
		Value: both[:r.vlen], UUID: both[r.vlen:],
		EventID: id, Timestamp: r.ts, ToIDS: r.toIDS,
	}
}

// Attributes returns every attribute of event id, by uuid.
func (e Event) Attributes(id int64) []indicator.Attribute {
	out := make([]indicator.Attribute, len(e.recs))
	for i := range e.recs {
		out[i] = e.Attr(id, i)
	}
	return out
}

// sameAttr reports whether attribute i of e and j of f are equal.
func sameAttr(e Event, i int, f Event, j int) bool {
	r, q := &e.recs[i], &f.recs[j]
	if r.ts != q.ts || r.toIDS != q.toIDS || r.vlen != q.vlen || r.ulen != q.ulen ||
		e.st.names[r.typ] != f.st.names[q.typ] || e.st.names[r.cat] != f.st.names[q.cat] {
		return false
	}
	ev, eu := e.text(i)
	fv, fu := f.text(j)
	return ev == fv && eu == fu
}

// sameEvent reports whether two events hold the same attributes: at once
// when a refresh kept the event it had, else attribute by attribute.
func sameEvent(a, b Event) bool {
	if len(a.recs) != len(b.recs) {
		return false
	}
	if len(a.recs) == 0 || &a.recs[0] == &b.recs[0] {
		return true
	}
	for i := range a.recs {
		if !sameAttr(a, i, b, i) {
			return false
		}
	}
	return true
}

// sortedByUUID reports whether e's attributes are in uuid order.
func (e Event) sortedByUUID() bool {
	for i := 1; i < len(e.recs); i++ {
		if e.uuid(i-1) > e.uuid(i) {
			return false
		}
	}
	return true
}
