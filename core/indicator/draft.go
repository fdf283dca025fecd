package indicator

import "github.com/cratos-project/cratos/internal/hugepage"

// Drafting extracts a list in parts written at the same time, each into
// its own place in one array. Each indicator takes 40 bytes there rather
// than an Indicator's 88 (its MISP type and category are one index into
// the draft's names), and 16 more for its UUID in a list made with them,
// so a large list is sorted in half the memory or less; Draft.List makes
// it canonical and compact.
type Drafting struct {
	room  []draftEntry
	uroom []string // the UUIDs' array, beside room; nil without UUIDs
	parts []DraftPart
}

// draftEntry is one indicator of a draft: origin is its place in the
// names of the part that wrote it, then of the draft.
type draftEntry struct {
	value        string
	event, stamp int64
	origin       uint32
	typ          Type
	toIDS        bool
}

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
}

// Add adds in; its UUID is kept when the Drafting keeps UUIDs.
func (p *DraftPart) Add(in Indicator) {
	origin := p.names.place(names{in.MISPType, in.Category})
	p.ents = append(p.ents, draftEntry{value: in.Value, event: in.EventID, stamp: in.Timestamp, origin: origin, typ: in.Type, toIDS: in.ToIDS})
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
	// Each part's names join the draft's, and its entries' origins
	// follow. A part in its place moves down to follow the one before it,
	// never past a later one; when any moved, all are copied.
	var all namer
	for _, p := range d.parts {
		remap := make([]uint32, len(p.names.names))
		for i, nm := range p.names.names {
			remap[i] = all.place(nm)
		}
		out.ents = append(out.ents, p.ents...)
		if d.uroom != nil {
			out.uuids = append(out.uuids, p.uuids...)
		}
		for i := len(out.ents) - len(p.ents); i < len(out.ents); i++ {
			out.ents[i].origin = remap[out.ents[i].origin]
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
}

// Len returns the number of indicators.
func (d *Draft) Len() int { return len(d.ents) }

func (d *Draft) at(i int32) Indicator {
	e := &d.ents[i]
	n := &d.names[e.origin]
	in := Indicator{Type: e.typ, ToIDS: e.toIDS, Value: e.value, MISPType: n.mispType, Category: n.category, EventID: e.event, Timestamp: e.stamp}
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
func (d *Draft) List(sorted func()) (List, error) {
	keep := canonicalOrder(d, len(d.ents))
	d.ents, d.uuids = gatherWith(d.ents, d.uuids, keep)
	if sorted != nil {
		sorted()
	}
	return newList(len(d.ents), func(i int) Indicator { return d.at(int32(i)) }, maxListText)
}
