package indicator

import (
	"errors"
	"iter"
	"math"
	"runtime"
	"unsafe"

	"github.com/cratos-project/cratos/internal/hugepage"
	"github.com/cratos-project/cratos/internal/workgroup"
)

// List is a finished list of indicators, held compactly for as long as it
// is cached and rendered: the values and UUIDs in one string, in list
// order; 12 bytes an indicator for its Type, ToIDS and the place of its
// text; and a column for each other field only when some indicator has
// it set. At gives back each indicator exactly as it was.
//
// An Indicator takes 88 bytes; a list takes 12 bytes an indicator beside
// its text, and 24 with its event id, time and MISP names (28 with its
// UUID's length). Reading the text in list order, from one
// string, also spares every later pass (guard rails, content digest,
// each rendering) reading it from wherever extraction left it.
//
// The zero List is empty.
type List struct {
	text    string
	ents    []entry
	uuidLen []uint32 // each UUID's length, after its value; nil when none has one
	events  ints     // empty when every EventID is 0
	stamps  ints     // empty when every Timestamp is 0
	origins []uint32 // each indicator's place in names; nil when no MISPType or Category is set
	names   []names
}

// entry is one indicator's Type, ToIDS and value: List.text[off:off+vlen].
type entry struct {
	off, vlen uint32
	typ       Type
	toIDS     bool
}

// names is a MISP type and category pair, held once a list.
type names struct{ mispType, category string }

// namer gives each pair of names a place among its names, in the order
// first seen. The names of most lists come from a few shared strings, and
// in runs: the pair looked up last is compared before the map is searched.
type namer struct {
	names []names
	index map[names]uint32
	last  names // the pair looked up last, at place at
	at    uint32
}

// place returns n's place among the namer's names.
func (r *namer) place(n names) uint32 {
	if len(r.names) > 0 && n == r.last {
		return r.at
	}
	at, ok := r.index[n]
	if !ok {
		if r.index == nil {
			r.index = map[names]uint32{}
		}
		at = uint32(len(r.names))
		r.index[n] = at
		r.names = append(r.names, n)
	}
	r.last, r.at = n, at
	return at
}

// ints is a column of integers: in 32 bits when every one is in [0,
// 2^32) (MISP's event ids and timestamps), else in 64; empty when every
// one is 0.
type ints struct {
	narrow []uint32
	wide   []int64
}

// span is what a stretch of a column holds: whether any value is set,
// and whether any does not fit 32 bits.
type span struct{ set, wide bool }

func (s *span) add(v int64) {
	s.set = s.set || v != 0
	s.wide = s.wide || v < 0 || v > math.MaxUint32
}

func (s *span) join(o span) { s.set, s.wide = s.set || o.set, s.wide || o.wide }

// makeInts returns a column of n for values of s.
func makeInts(n int, s span) ints {
	switch {
	case !s.set:
		return ints{}
	case s.wide:
		return ints{wide: make([]int64, n)}
	}
	return ints{narrow: make([]uint32, n)}
}

func (c *ints) set(i int, v int64) {
	if c.narrow != nil {
		c.narrow[i] = uint32(v)
	} else if c.wide != nil {
		c.wide[i] = v
	}
}

func (c *ints) at(i int) int64 {
	if c.narrow != nil {
		return int64(c.narrow[i])
	}
	if c.wide != nil {
		return c.wide[i]
	}
	return 0
}

func (c *ints) bytes() int64 { return 4*int64(len(c.narrow)) + 8*int64(len(c.wide)) }

// ErrListTooLarge is a list whose values and UUIDs together pass
// maxListText bytes, the most a List indexes.
var ErrListTooLarge = errors.New("indicator: a list's values and uuids take more than 4 GiB")

const maxListText = math.MaxUint32

// NewList returns ins as a List. ins is not kept, and no string of the
// List points into ins' text.
func NewList(ins []Indicator) (List, error) {
	return newList(len(ins), func(i int) Indicator { return ins[i] }, maxListText)
}

// listRunsMin is the length from which NewList copies in runs, one a
// core: reading the scattered text is most of the work.
const listRunsMin = 1 << 16

// run is what one stretch of a list being made holds: its text's length
// and which of the optional fields any of its indicators sets.
type run struct {
	text           int
	uuids, origins bool
	events, stamps span
}

// newList makes a List of the n indicators at(0) to at(n-1), each read
// twice, from more than one goroutine at once.
func newList(n int, at func(i int) Indicator, maxText int) (List, error) {
	runs := 1
	if n >= listRunsMin {
		runs = min(runtime.GOMAXPROCS(0), 8)
	}
	bound := func(k int) int { return k * n / runs }
	parts := make([]run, runs)
	each(runs, func(k int) {
		p := &parts[k]
		for i := bound(k); i < bound(k+1); i++ {
			in := at(i)
			p.text += len(in.Value) + len(in.UUID)
			p.uuids = p.uuids || in.UUID != ""
			p.events.add(in.EventID)
			p.stamps.add(in.Timestamp)
			p.origins = p.origins || in.MISPType != "" || in.Category != ""
		}
	})
	var all run
	from := make([]int, runs+1) // run k's text starts at from[k]
	for k, p := range parts {
		from[k+1] = from[k] + p.text
		all.uuids, all.origins = all.uuids || p.uuids, all.origins || p.origins
		all.events.join(p.events)
		all.stamps.join(p.stamps)
	}
	if from[runs] > maxText {
		return List{}, ErrListTooLarge
	}
	l := List{ents: make([]entry, n), events: makeInts(n, all.events), stamps: makeInts(n, all.stamps)}
	if all.uuids {
		l.uuidLen = make([]uint32, n)
	}
	// Each run names its indicators' origins among its own names, joined
	// in order afterwards (joinOrigins): named in a pass of their own, by
	// one core, they kept the others waiting.
	namers := make([]namer, runs)
	if all.origins {
		l.origins = make([]uint32, n)
	}
	buf := make([]byte, from[runs])
	hugepage.Back(buf)
	each(runs, func(k int) {
		b := buf[from[k]:from[k]]
		for i := bound(k); i < bound(k+1); i++ {
			in := at(i)
			l.ents[i] = entry{off: uint32(len(b) + from[k]), vlen: uint32(len(in.Value)), typ: in.Type, toIDS: in.ToIDS}
			b = append(b, in.Value...)
			if l.uuidLen != nil {
				b = append(b, in.UUID...)
				l.uuidLen[i] = uint32(len(in.UUID))
			}
			l.events.set(i, in.EventID)
			l.stamps.set(i, in.Timestamp)
			if l.origins != nil {
				l.origins[i] = namers[k].place(names{in.MISPType, in.Category})
			}
		}
	})
	// buf is not written again.
	l.text = unsafe.String(unsafe.SliceData(buf), len(buf))
	if l.origins != nil {
		l.joinOrigins(namers, bound)
	}
	return l, nil
}

// joinOrigins gives l the names of the runs' namers together, in the order
// first seen over the whole list, as one namer reading it in order would,
// and moves each run's origins, bound(k) to bound(k+1), from its namer's
// places to those.
func (l *List) joinOrigins(namers []namer, bound func(k int) int) {
	var all namer
	remaps := make([][]uint32, len(namers))
	for k, r := range namers {
		same := true
		for i, nm := range r.names {
			at := all.place(nm)
			remaps[k] = append(remaps[k], at)
			same = same && at == uint32(i)
		}
		if same {
			remaps[k] = nil // the run's places are the list's
		}
	}
	l.names = all.names
	each(len(namers), func(k int) {
		if remap := remaps[k]; remap != nil {
			for i := bound(k); i < bound(k+1); i++ {
				l.origins[i] = remap[l.origins[i]]
			}
		}
	})
}

// Len returns the number of indicators.
func (l *List) Len() int { return len(l.ents) }

// Type returns the i-th indicator's Type.
func (l *List) Type(i int) Type { return l.ents[i].typ }

// At returns the i-th indicator.
func (l *List) At(i int) Indicator {
	e := &l.ents[i]
	end := int(e.off) + int(e.vlen)
	in := Indicator{Type: e.typ, ToIDS: e.toIDS, Value: l.text[e.off:end]}
	if l.uuidLen != nil {
		in.UUID = l.text[end : end+int(l.uuidLen[i])]
	}
	in.EventID, in.Timestamp = l.events.at(i), l.stamps.at(i)
	if l.origins != nil {
		n := &l.names[l.origins[i]]
		in.MISPType, in.Category = n.mispType, n.category
	}
	return in
}

// All returns the indicators in order.
func (l *List) All() iter.Seq[Indicator] {
	return func(yield func(Indicator) bool) {
		for i := range l.ents {
			if !yield(l.At(i)) {
				return
			}
		}
	}
}

// Slice returns the indicators in a new slice.
func (l *List) Slice() []Indicator {
	out := make([]Indicator, len(l.ents))
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}

// Bytes returns the memory the list holds: its text, its arrays and its
// names.
func (l *List) Bytes() int64 {
	n := int64(len(l.text)) + int64(len(l.ents))*int64(unsafe.Sizeof(entry{}))
	n += 4*int64(len(l.uuidLen)+len(l.origins)) + l.events.bytes() + l.stamps.bytes()
	for _, p := range l.names {
		n += int64(unsafe.Sizeof(p)) + int64(len(p.mispType)+len(p.category))
	}
	return n
}

// each calls f(k) for k in [0, n), each in a goroutine of its own when n
// is more than one, and returns when all have.
func each(n int, f func(k int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg workgroup.Group
	for k := range n {
		wg.Go(func() { f(k) })
	}
	wg.Wait()
}
