package feedsnap

import (
	"encoding/binary"
	"math"
	"strings"
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

// rec is one attribute, in 20 bytes. Its value and uuid lie one after the
// other in slab slab of its store, from off; a uuid in MISP's lowercase
// 8-4-4-4-12 form is held as its 16 bytes (packed), any other as it is.
// Its timestamp is ts, or, when it is negative or past 32 bits
// (metaWideTS), the 8 bytes after the uuid, little-endian: MISP stamps
// in unsigned 32-bit seconds, and anything else it says is kept as said.
type rec struct {
	ts       uint32
	off      uint32
	vlen     uint32
	slab     uint16
	typ, cat uint16 // indexes into the store's names
	// meta holds the uuid's length as held (metaULen) and the flags
	// metaWideTS, metaToIDS and metaPacked.
	meta uint16
}

// The parts of rec.meta. A uuid longer than metaULen bytes is refused
// (errTooLarge); MISP's are 36.
const (
	metaULen   = 1<<13 - 1
	metaWideTS = 1 << 13
	metaToIDS  = 1 << 14
	metaPacked = 1 << 15
)

// wideTS is the text a timestamp takes when it does not fit rec.ts.
const wideTS = 8

// fitsTS reports whether timestamp ts fits rec.ts.
func fitsTS(ts int64) bool { return ts >= 0 && ts <= math.MaxUint32 }

// ulen is the length of the uuid as held.
func (r *rec) ulen() uint32 { return uint32(r.meta & metaULen) }

// text is the length of the record's text in its slab: value, uuid and,
// when it is held there, timestamp.
func (r *rec) text() uint32 {
	if r.meta&metaWideTS != 0 {
		return r.vlen + r.ulen() + wideTS
	}
	return r.vlen + r.ulen()
}

// timestamp returns attribute i's timestamp.
func (e Event) timestamp(i int) int64 {
	if r := &e.recs[i]; r.meta&metaWideTS == 0 {
		return int64(r.ts)
	}
	return e.wideTimestamp(i)
}

// wideTimestamp reads attribute i's timestamp from its text.
func (e Event) wideTimestamp(i int) int64 {
	r := &e.recs[i]
	at := r.off + r.vlen + r.ulen()
	return int64(binary.LittleEndian.Uint64(e.st.slabs[r.slab][at : at+wideTS]))
}

// packed reports whether the uuid is held as its 16 bytes.
func (r *rec) packed() bool { return r.meta&metaPacked != 0 }

// toIDS is the attribute's to_ids flag.
func (r *rec) toIDS() bool { return r.meta&metaToIDS != 0 }

// toIDSMeta returns the meta of a record whose to_ids flag is toIDS.
func toIDSMeta(toIDS bool) uint16 {
	if toIDS {
		return metaToIDS
	}
	return 0
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
		if _, ok := packUUID(a.UUID); ok {
			text -= len(a.UUID) - 16 // held as its 16 bytes
		}
		if !fitsTS(a.Timestamp) {
			text += wideTS
		}
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

// sameRecords reports whether e and o hold the very same records: one
// event two snapshots share.
func (e Event) sameRecords(o Event) bool {
	return len(e.recs) == len(o.recs) && unsafe.SliceData(e.recs) == unsafe.SliceData(o.recs)
}

// raw returns attribute i's value and uuid as held (a packed uuid as its
// 16 bytes), in place: valid as long as the store, never to be kept or
// changed.
func (e Event) raw(i int) (value, uuid string) {
	r := &e.recs[i]
	if r.vlen+r.ulen() == 0 {
		return "", ""
	}
	s := unsafe.String(&e.st.slabs[r.slab][r.off], int(r.vlen+r.ulen()))
	return s[:r.vlen], s[r.vlen:]
}

// uuid returns attribute i's uuid, in place or written into buf when
// packed: valid as long as the store and buf, never to be kept.
func (e Event) uuid(i int, buf *[36]byte) string {
	_, u := e.raw(i)
	if e.recs[i].packed() {
		return inPlace(formatUUID(buf, []byte(u)))
	}
	return u
}

// compareUUIDs compares the uuids of attributes i and j as strings.
// Packed uuids compare as their bytes: lowercase hex digits sort as the
// nibbles they write, and the dashes stand at the same places.
func (e Event) compareUUIDs(i, j int) int {
	if e.recs[i].packed() && e.recs[j].packed() {
		_, a := e.raw(i)
		_, b := e.raw(j)
		return strings.Compare(a, b)
	}
	var a, b [36]byte
	return strings.Compare(e.uuid(i, &a), e.uuid(j, &b))
}

// sameUUID reports whether attributes i and j have the same uuid, not
// empty. A uuid is packed or not by its form, so two equal ones are held
// alike.
func (e Event) sameUUID(i, j int) bool {
	_, a := e.raw(i)
	_, b := e.raw(j)
	return a != "" && e.recs[i].packed() == e.recs[j].packed() && a == b
}

// Attr returns attribute i of event id, with strings of its own.
func (e Event) Attr(id int64, i int) indicator.Attribute {
	var buf [36]byte
	return e.borrowed(id, i, &buf, true).Own()
}

// borrowed returns attribute i of event id with its value in place and
// its uuid, when withUUID, in place or written into buf: valid as long as
// the store and buf, never to be kept (indicator.Extractor.AddBorrowed).
func (e Event) borrowed(id int64, i int, buf *[36]byte, withUUID bool) indicator.Attribute {
	r := &e.recs[i]
	value, _ := e.raw(i)
	a := indicator.Attribute{
		Type: e.st.names[r.typ], Category: e.st.names[r.cat], Value: value,
		EventID: id, Timestamp: e.timestamp(i), ToIDS: r.toIDS(),
	}
	if withUUID {
		a.UUID = e.uuid(i, buf)
	}
	return a
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
	if e.timestamp(i) != f.timestamp(j) || r.meta != q.meta || r.vlen != q.vlen ||
		e.st.names[r.typ] != f.st.names[q.typ] || e.st.names[r.cat] != f.st.names[q.cat] {
		return false
	}
	ev, eu := e.raw(i)
	fv, fu := f.raw(j)
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
		if e.compareUUIDs(i-1, i) > 0 {
			return false
		}
	}
	return true
}

// packUUID returns the 16 bytes of a lowercase 8-4-4-4-12 uuid. Each
// digit is read at a constant place of a string known to be 36 bytes
// long, so that no read is checked against its length.
func packUUID(s string) (out [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return out, false
	}
	bad := byte(0)
	pair := func(hi, lo byte) byte {
		h, l := nibbles[hi], nibbles[lo]
		bad |= h | l
		return h<<4 | l&0xf
	}
	out[0], out[1], out[2], out[3] = pair(s[0], s[1]), pair(s[2], s[3]), pair(s[4], s[5]), pair(s[6], s[7])
	out[4], out[5] = pair(s[9], s[10]), pair(s[11], s[12])
	out[6], out[7] = pair(s[14], s[15]), pair(s[16], s[17])
	out[8], out[9] = pair(s[19], s[20]), pair(s[21], s[22])
	out[10], out[11], out[12] = pair(s[24], s[25]), pair(s[26], s[27]), pair(s[28], s[29])
	out[13], out[14], out[15] = pair(s[30], s[31]), pair(s[32], s[33]), pair(s[34], s[35])
	return out, bad&0x10 == 0
}

// nibbles holds the value of each lowercase hex digit, and 0x10 for every
// other byte.
var nibbles = func() (t [256]byte) {
	for c := range t {
		t[c] = 0x10
	}
	for i := range 16 {
		t[hexDigits[i]] = byte(i)
	}
	return t
}()

// formatUUID writes the 8-4-4-4-12 form of 16 bytes into buf and returns
// it; other than 16 bytes give nothing.
func formatUUID(buf *[36]byte, b []byte) []byte {
	if len(b) != 16 {
		return nil
	}
	at := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf[at] = '-'
			at++
		}
		buf[at], buf[at+1] = hexDigits[c>>4], hexDigits[c&0xf]
		at += 2
	}
	return buf[:]
}

const hexDigits = "0123456789abcdef"

// uuidHead is the first eight bytes of attribute i's uuid, zero-padded,
// as a number: of two uuids, the one with the smaller head is the
// smaller.
func (e Event) uuidHead(i int) uint64 {
	_, u := e.raw(i)
	var h uint64
	if e.recs[i].packed() {
		for _, c := range []byte(u[:4]) {
			h = h<<16 | uint64(hexDigits[c>>4])<<8 | uint64(hexDigits[c&0xf])
		}
		return h
	}
	for i := range 8 {
		h <<= 8
		if i < len(u) {
			h |= uint64(u[i])
		}
	}
	return h
}
