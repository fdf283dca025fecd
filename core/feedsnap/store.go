package feedsnap

import (
	"encoding/binary"
	"errors"
	"unsafe"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/hugepage"
)

// store holds the text of the attributes of one or more events: the type
// and category names they use and slabs of values and uuids.
type store struct {
	names []string
	slabs [][]byte
}

// A writer's first slab holds slabFirst bytes and each next one four times
// as many as the one before, up to slabMax: a small read takes little room,
// a large one a few large slabs, mostly in huge pages (hugepage.Alloc). A
// value and uuid longer than a slab get a slab of their own.
const (
	slabFirst = 64 << 10
	slabMax   = 8 << 20
)

// errTooLarge is a read whose text or names the compact form cannot
// index: far beyond what memory holds in practice, a MISP that makes up a
// type name for every attribute, or a uuid longer than metaULen bytes.
var errTooLarge = errors.New("feedsnap: too many distinct type names, too much text or a uuid too long in one read")

// writer fills a store: it interns names and appends text to slabs.
type writer struct {
	st    *store
	index map[string]uint16
	// recent holds names looked up, each in the place its address picks:
	// the decoder hands out the same few shared strings, found here
	// without hashing them.
	recent [16]struct {
		name  string
		index uint16
	}
	room  []byte         // the unused end of the last slab
	next  int            // the size of the next slab
	asked hugepage.Asked // huge pages for the last slab
	err   error
}

func newWriter() *writer {
	return &writer{st: &store{}, index: map[string]uint16{}, next: slabFirst}
}

// name returns the index of s among the store's names.
func (w *writer) name(s string) uint16 {
	slot := &w.recent[uintptr(unsafe.Pointer(unsafe.StringData(s)))>>4%uintptr(len(w.recent))]
	if slot.name == s && s != "" {
		return slot.index
	}
	if i, ok := w.index[s]; ok {
		slot.name, slot.index = s, i
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

// rec copies a's value, uuid and timestamp into the store and returns
// a's record.
func (w *writer) rec(a indicator.Attribute) rec {
	return w.put(rec{typ: w.name(a.Type), cat: w.name(a.Category), meta: toIDSMeta(a.ToIDS)}, a.Value, a.UUID, a.Timestamp)
}

// put copies value, uuid and timestamp ts into the store and returns r
// holding them (r's meta holds at most the to_ids flag when given).
func (w *writer) put(r rec, value, uuid string, ts int64) rec {
	packed, ok := packUUID(uuid)
	if ok {
		uuid = inPlace(packed[:])
		r.meta |= metaPacked
	}
	if len(uuid) > metaULen {
		w.err = errTooLarge
		return rec{}
	}
	r.vlen, r.meta = uint32(len(value)), r.meta|uint16(len(uuid))
	n := len(value) + len(uuid)
	if fitsTS(ts) {
		r.ts = uint32(ts)
	} else {
		r.meta |= metaWideTS
		n += wideTS
	}
	if n == 0 {
		return r
	}
	if n > len(w.room) {
		size := max(n, w.next)
		if len(w.st.slabs) > 0xffff || uint64(size) > 1<<32-1 {
			w.err = errTooLarge
			return rec{}
		}
		w.next = min(4*w.next, slabMax)
		w.asked.Withdraw()
		var slab []byte
		slab, w.asked = hugepage.Alloc[byte](size)
		w.st.slabs = append(w.st.slabs, slab)
		w.room = slab
	}
	slab := w.st.slabs[len(w.st.slabs)-1]
	off := len(slab) - len(w.room)
	copy(w.room, value)
	copy(w.room[len(value):], uuid)
	if r.meta&metaWideTS != 0 {
		binary.LittleEndian.PutUint64(w.room[len(value)+len(uuid):], uint64(ts))
	}
	w.room = w.room[n:]
	r.off, r.slab = uint32(off), uint16(len(w.st.slabs)-1)
	return r
}

// trim shortens the last slab to what it holds.
func (w *writer) trim() {
	w.asked.Withdraw()
	if k := len(w.st.slabs) - 1; k >= 0 {
		used := len(w.st.slabs[k]) - len(w.room)
		w.st.slabs[k] = fitted(w.st.slabs[k][:used])
		w.room = nil
	}
}

// slack is the unused room at the end of a read's last slab or block of
// records past which fitted copies it. Unwritten, that room takes no
// memory, but the collector counts it as held and lets the heap grow by
// as much again before it runs: with the largest slabs and blocks, the
// 16 builds of cratos-bench's cold table peaked some 25 MiB higher.
const slack = 1 << 20

// fitted returns s with no room beyond its length: a copy when the room
// is more than slack and more than s holds (so the copy is less than half
// of s's array), else s itself.
func fitted[T any](s []T) []T {
	room := cap(s) - len(s)
	if room <= len(s) || uintptr(room)*unsafe.Sizeof(*new(T)) <= slack {
		return s[:len(s):len(s)]
	}
	return append(make([]T, 0, len(s)), s...)
}
