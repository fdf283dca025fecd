package feedsnap

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/hugepage"
	"github.com/cratos-project/cratos/internal/workgroup"
)

// A part's first block of records holds blockFirst records and each next
// one four times as many as the one before, up to blockMax (12 MiB), mostly in
// huge pages (hugepage.Alloc). An event's records that lie in one block stay
// there; a block is never grown, so it holds no spare room beyond its last
// one.
const (
	blockFirst = 1 << 12
	blockMax   = 1 << 19
)

// part is what one paging worker of a full read read: its records in
// blocks, in the order read, where each stretch of one event's records
// starts beside them in runs, and the store of their text.
type part struct {
	w      *writer
	blocks [][]rec
	runs   [][]run        // beside blocks: the stretches of one event each, in order
	ids    []int64        // event ids by place
	asked  hugepage.Asked // huge pages for the last block
	places map[int64]uint32
	lastID int64
	last   uint32
}

// run is where a stretch of one event's records starts in its block, and
// the place of that event in part.ids; the stretch ends where the next
// one starts, or with the block.
type run struct {
	from, place uint32
}

func newPart() *part {
	return &part{w: newWriter(), places: map[int64]uint32{}, last: ^uint32(0)}
}

// add writes a's record into the part.
func (p *part) add(a indicator.Attribute) {
	r := p.w.rec(a)
	another := p.last == ^uint32(0) || a.EventID != p.lastID
	if another {
		at, ok := p.places[a.EventID]
		if !ok {
			at = uint32(len(p.ids))
			p.places[a.EventID] = at
			p.ids = append(p.ids, a.EventID)
		}
		p.lastID, p.last = a.EventID, at
	}
	k := len(p.blocks) - 1
	if k < 0 || len(p.blocks[k]) == cap(p.blocks[k]) {
		another = true
		n := blockFirst
		if k >= 0 {
			n = min(4*cap(p.blocks[k]), blockMax)
		}
		p.asked.Withdraw()
		block, asked := hugepage.Alloc[rec](n)
		block, p.asked = block[:0], asked
		p.blocks = append(p.blocks, block)
		p.runs = append(p.runs, nil)
		k++
	}
	if another {
		p.runs[k] = append(p.runs[k], run{from: uint32(len(p.blocks[k])), place: p.last})
	}
	p.blocks[k] = append(p.blocks[k], r)
}

// readParts runs q and returns what each paging worker read, each row
// written in compact form as it is read (joinParts makes them events).
func readParts(ctx context.Context, search Search, q misp.Query) ([]*part, int, error) {
	var (
		mu    sync.Mutex
		parts []*part
	)
	n, err := search(ctx, q, func() func(indicator.Attribute) {
		p := newPart()
		mu.Lock()
		parts = append(parts, p)
		mu.Unlock()
		return p.add
	})
	for _, p := range parts {
		p.written()
	}
	return parts, n, err
}

// written withdraws the part's requests for huge pages: nothing more is
// written into its last block and slab, whether the read ended or failed.
func (p *part) written() {
	p.asked.Withdraw()
	p.w.asked.Withdraw()
}

// partEvents returns the ids of the events the parts hold, in order.
func partEvents(parts []*part) []int64 {
	seen := map[int64]bool{}
	for _, p := range parts {
		for _, id := range p.ids {
			seen[id] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// joinParts makes the workers' parts, in the order the workers started,
// one store and its events. An event whose records lie in one stretch of
// one block keeps them there (most do when MISP answers event by event);
// the records of any other are copied, in the order read, into a slice of
// their own. Each event is then sorted by
// uuid; of the copies of a row read twice (a page read again while MISP
// changed), the one read first is kept.
func joinParts(parts []*part) (map[int64]Event, error) {
	st, err := joinStores(parts)
	if err != nil {
		return nil, err
	}
	runs := map[int64][][]rec{} // each a stretch of one block
	var order []int64
	for _, p := range parts {
		if k := len(p.blocks) - 1; k >= 0 {
			p.blocks[k] = fitted(p.blocks[k])
		}
		for b, block := range p.blocks {
			stretches := p.runs[b]
			for j, ru := range stretches {
				lo, hi := int(ru.from), len(block)
				if j+1 < len(stretches) {
					hi = int(stretches[j+1].from)
				}
				id := p.ids[ru.place]
				if _, seen := runs[id]; !seen {
					order = append(order, id)
				}
				runs[id] = append(runs[id], block[lo:hi:hi])
			}
		}
		p.blocks, p.runs = nil, nil
	}
	// A stretch copied out of a block is held twice while the block is
	// held by other events. When that is more than an eighth of the
	// records (rows of many events interleaved), every event gets its own
	// slice and the blocks go.
	total, split := 0, 0
	for _, rs := range runs {
		for _, r := range rs {
			total += len(r)
			if len(rs) > 1 {
				split += len(r)
			}
		}
	}
	copyAll := 8*split > total
	joined := make([]Event, len(order))
	for k, id := range order {
		rs := runs[id]
		recs := rs[0]
		if len(rs) > 1 || copyAll {
			n := 0
			for _, r := range rs {
				n += len(r)
			}
			recs = make([]rec, 0, n)
			for _, r := range rs {
				recs = append(recs, r...)
			}
		}
		joined[k] = Event{recs: recs, st: st}
	}
	sortEvents(joined, total)
	events := make(map[int64]Event, len(order))
	for k, id := range order {
		events[id] = joined[k]
	}
	return events, nil
}

// sortWorkers is how many goroutines sort the events of a full read of
// at least sortParallelMin attributes, each a run of them of about as
// many attributes; events share no records, so they sort apart.
var sortWorkers = min(runtime.GOMAXPROCS(0), 8)

const sortParallelMin = 50_000

// sortEvents sorts each of events by uuid (uuidSorter.sortUnique), in
// place; total is how many records they hold.
func sortEvents(events []Event, total int) {
	workers := 1
	if total >= sortParallelMin {
		workers = sortWorkers
	}
	var wg workgroup.Group
	from := 0
	for _, end := range shareEnds(len(events), workers, total, func(i int) int { return events[i].Len() }) {
		run := events[from:end]
		from = end
		wg.Go(func() {
			var sorter uuidSorter
			for i := range run {
				run[i] = sorter.sortUnique(run[i])
			}
		})
	}
	wg.Wait()
}

// joinStores makes one store of the parts' stores and points every record
// at it: names are merged, slabs put one after the other.
func joinStores(parts []*part) (*store, error) {
	st := &store{}
	index := map[string]uint16{}
	for _, p := range parts {
		if p.w.err != nil {
			return nil, p.w.err
		}
		p.w.trim()
		remap := make([]uint16, len(p.w.st.names))
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
			remap[i] = j
		}
		if len(st.slabs)+len(p.w.st.slabs) > 0x10000 {
			return nil, errTooLarge
		}
		base := uint16(len(st.slabs))
		st.slabs = append(st.slabs, p.w.st.slabs...)
		for _, block := range p.blocks {
			for i := range block {
				r := &block[i]
				r.typ, r.cat = remap[r.typ], remap[r.cat]
				if r.text() > 0 {
					r.slab += base
				}
			}
		}
	}
	return st, nil
}
