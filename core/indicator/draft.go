package indicator

import (
	"math"

	"github.com/cratos-project/cratos/internal/hugepage"
)

// Drafting extracts a list in parts written at the same time, each into
// its own place in one array. Each indicator takes 32 bytes there rather
// than an Indicator's 88 (its MISP type and category are one index into
// the draft's names, its event id and timestamp 32 bits each), and 16
// more for its UUID in a list made with them, so a large list is sorted
// in half the memory or less; Draft.List makes it canonical and compact.
type Drafting struct {
	room  []draftEntry
	uroom []string // the UUIDs' array, beside room; nil without UUIDs
	parts []DraftPart
}

// draftEntry is one indicator of a draft: origin is its place in the
// names of the part that wrote it, then of the draft. An event id or
// timestamp outside [0, 2^32) (none that MISP makes) is kept in wides:
// origin then has wideOrigin set, and event is the pair's place there.
type draftEntry struct {
	value        string
	event, stamp uint32
	origin       uint32
	typ          Type
	toIDS        bool
}

// wideOrigin marks a draftEntry whose event id and timestamp are in
// wides. Names are fewer than indicators, which are fewer than 2^31.
const wideOrigin = 1 << 31

// wide is an event id and timestamp that do not both fit 32 bits.
type wide struct{ event, stamp int64 }

// fits32 reports whether v is in [0, 2^32).
func fits32(v int64) bool { return uint64(v) <= math.MaxUint32 }

// NewDrafting returns a Drafting of len(counts) parts, part k with room
// for counts[k] indicators in the shared array; one that adds more moves
// to an array of its own. withUUIDs keeps the indicators' UUIDs.
func NewDrafting(counts []int, withUUIDs bool) *Drafting {
	total := 0
	for _, n := range counts {
		total += n
	}
	d := &Drafting{room: make([]draftEntry, total), parts: make([]DraftPart, len(counts))}
	hugepage.Back(d.room)
	if withUUIDs {
		d.uroom = make([]string, total)
		hugepage.Back(d.uroom)
	}
	at := 0
	for k, n := range counts {
		d.parts[k] = DraftPart{ents: d.room[at : at : at+n], room: n}
		if withUUIDs {
			d.parts[k].uuids = d.uroom[at : at : at+n]
		}
		at += n
	}
	return d
}

// Part returns part k, for one goroutine to write.
func (d *Drafting) Part(k int) *DraftPart { return &d.parts[k] }

// DraftPart is one part of a Drafting.
type DraftPart struct {
	ents  []draftEntry
	uuids []string // each entry's UUID; nil without UUIDs
	room  int      // the entries its place holds
	names namer
	wides []wide
}

// Add adds in; its UUID is kept when the Drafting keeps UUIDs.
func (p *DraftPart) Add(in Indicator) {
	e := draftEntry{value: in.Value, event: uint32(in.EventID), stamp: uint32(in.Timestamp), origin: p.names.place(names{in.MISPType, in.Category}), typ: in.Type, toIDS: in.ToIDS}
	if !fits32(in.EventID) || !fits32(in.Timestamp) {
		e.event, e.stamp, e.origin = uint32(len(p.wides)), 0, e.origin|wideOrigin
		p.wides = append(p.wides, wide{in.EventID, in.Timestamp})
	}
	p.ents = append(p.ents, e)
	if p.uuids != nil {
		p.uuids = append(p.uuids, in.UUID)
	}
}

// Draft returns the parts as one draft, in order. The Drafting is not
// used again.
func (d *Drafting) Draft() *Draft {
	out := &Draft{}
	moved, n := false, 0
	for _, p := range d.parts {
		moved = moved || len(p.ents) > p.room
		n += len(p.ents)
	}
	if moved {
		out.ents = make([]draftEntry, 0, n)
		if d.uroom != nil {
			out.uuids = make([]string, 0, n)
		}
	} else {
		out.ents, out.uuids = d.room[:0], d.uroom[:0]
	}
	// Each part's names and wides join the draft's, and its entries'
	// origins and places in wides follow. A part in its place moves down
	// to follow the one before it, never past a later one; when any
	// moved, all are copied.
	var all namer
	for _, p := range d.parts {
		remap := make([]uint32, len(p.names.names))
		for i, nm := range p.names.names {
			remap[i] = all.place(nm)
		}
		widesBefore := uint32(len(out.wides))
		out.wides = append(out.wides, p.wides...)
		out.ents = append(out.ents, p.ents...)
		if d.uroom != nil {
			out.uuids = append(out.uuids, p.uuids...)
		}
		for i := len(out.ents) - len(p.ents); i < len(out.ents); i++ {
			e := &out.ents[i]
			if e.origin&wideOrigin != 0 {
				e.event += widesBefore
			}
			e.origin = remap[e.origin&^wideOrigin] | e.origin&wideOrigin
		}
	}
	out.names = all.names
	if !moved {
		// No string stays reachable from the unused end.
		clear(d.room[len(out.ents):])
		if d.uroom != nil {
			clear(d.uroom[len(out.uuids):])
		}
	}
	d.room, d.uroom, d.parts = nil, nil, nil
	return out
}

// Draft is an extracted list in no particular order, with duplicates.
type Draft struct {
	ents  []draftEntry
	uuids []string // beside ents; nil without UUIDs
	names []names
	wides []wide
}

// Len returns the number of indicators.
func (d *Draft) Len() int { return len(d.ents) }

func (d *Draft) at(i int32) Indicator {
	e := &d.ents[i]
	n := &d.names[e.origin&^wideOrigin]
	in := Indicator{Type: e.typ, ToIDS: e.toIDS, Value: e.value, MISPType: n.mispType, Category: n.category, EventID: int64(e.event), Timestamp: int64(e.stamp)}
	if e.origin&wideOrigin != 0 {
		w := d.wides[e.event]
		in.EventID, in.Timestamp = w.event, w.stamp
	}
	if d.uuids != nil {
		in.UUID = d.uuids[i]
	}
	return in
}

func (d *Draft) kind(i int32) Type   { return d.ents[i].typ }
func (d *Draft) text(i int32) string { return d.ents[i].value }
func (d *Draft) better(i, j int32) bool {
	a, b := d.at(i), d.at(j)
	return better(&a, &b)
}

// List returns the draft's indicators as Normalize would keep them, as a
// List, calling sorted (when not nil) once they are in order, when what
// the sort used is garbage. The draft is not used again.
//
// The entries kept are read where they lie, through their places in
// order: gathered in place first, cycle by cycle, a large draft's
// entries were moved one at a time on one core while the others waited.
func (d *Draft) List(sorted func()) (List, error) {
	keep := canonicalOrder(d, len(d.ents))
	if sorted != nil {
		sorted()
	}
	return newList(len(keep), func(i int) Indicator { return d.at(keep[i]) }, maxListText)
}
