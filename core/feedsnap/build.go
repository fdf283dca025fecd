package feedsnap

import (
	"context"
	"sync"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// part is what one paging worker of a full read read: a record a row,
// with the row's event, and the store of their text.
type part struct {
	w    *writer
	recs []partRec
}

type partRec struct {
	rec
	event int64 // the event's id; while joining, its place
}

// readPacked runs q and holds what it reads as events sorted by uuid. Each
// row is written in compact form as it is read, so a large feed is held
// once, plus the records of one worker while they move to their event.
func readPacked(ctx context.Context, search Search, q misp.Query) (map[int64]Event, int, error) {
	var (
		mu    sync.Mutex
		parts []*part
	)
	n, err := search(ctx, q, func() func(indicator.Attribute) {
		p := &part{w: newWriter()}
		mu.Lock()
		parts = append(parts, p)
		mu.Unlock()
		return func(a indicator.Attribute) { p.recs = append(p.recs, partRec{p.w.rec(a), a.EventID}) }
	})
	if err != nil {
		return nil, n, err
	}
	events, err := joinParts(parts)
	return events, n, err
}

// joinParts makes the workers' parts, in the order the workers started,
// one store and its events: each event's records are moved into a slice
// of their final size, part by part, then sorted by uuid; of the copies
// of a row read twice (a page read again while MISP changed), the one
// read first is kept.
func joinParts(parts []*part) (map[int64]Event, error) {
	st := &store{}
	index := map[string]uint16{}
	remaps := make([][]uint16, len(parts))
	bases := make([]uint16, len(parts))
	places := map[int64]int{}
	var (
		ids    []int64
		counts []int
	)
	for k, p := range parts {
		if p.w.err != nil {
			return nil, p.w.err
		}
		p.w.trim()
		remaps[k] = make([]uint16, len(p.w.st.names))
		for i, name := range p.w.st.names {
			j, ok := index[name]
			if !ok {
				if len(st.names) > 0xffff {
					return nil, errTooLarge
				}
				j = uint16(len(st.names))
				st.names = append(st.names, name)
				index[name] = j
			}
			remaps[k][i] = j
		}
		if len(st.slabs)+len(p.w.st.slabs) > 0x10000 {
			return nil, errTooLarge
		}
		bases[k] = uint16(len(st.slabs))
		st.slabs = append(st.slabs, p.w.st.slabs...)
		for i := range p.recs {
			r := &p.recs[i]
			at, ok := places[r.event]
			if !ok {
				at = len(ids)
				places[r.event] = at
				ids = append(ids, r.event)
				counts = append(counts, 0)
			}
			counts[at]++
			r.event = int64(at)
		}
	}
	recs := make([][]rec, len(ids))
	for at, n := range counts {
		recs[at] = make([]rec, 0, n)
	}
	for k, p := range parts {
		for _, r := range p.recs {
			x := r.rec
			x.typ, x.cat = remaps[k][x.typ], remaps[k][x.cat]
			if x.vlen+x.ulen > 0 {
				x.slab += bases[k]
			}
			recs[r.event] = append(recs[r.event], x)
		}
		p.recs = nil
	}
	events := make(map[int64]Event, len(ids))
	var sorter uuidSorter
	for at, id := range ids {
		events[id] = sorter.sortUnique(Event{recs: recs[at], st: st})
	}
	return events, nil
}
