package feedsnap

import (
	"cmp"
	"slices"
)

// uuidSorter sorts events' attributes by uuid as a stable sort would,
// without moving the records more than once: it sorts small keys, each
// the first eight bytes of the uuid as a number, compared first, and the
// record's place (the uuids compared next, then the places), then puts
// each record in its place. Its keys are reused from one event to the
// next.
type uuidSorter struct {
	keys []uuidKey
}

type uuidKey struct {
	head uint64
	at   int
}

// sortUnique sorts e by uuid, keeping the order of attributes with equal
// uuids, then drops every attribute whose uuid, not empty, is the one
// before it: of the copies of a row read twice (a page read again while
// MISP changed), the one read first is kept. Attributes without a uuid
// are all kept. Records already in order are not moved.
func (s *uuidSorter) sortUnique(e Event) Event {
	if !e.sortedByUUID() {
		s.sort(e)
	}
	kept := 0
	for i := range e.recs {
		if kept > 0 && e.sameUUID(i, kept-1) {
			continue
		}
		e.recs[kept] = e.recs[i]
		kept++
	}
	e.recs = e.recs[:kept]
	return e
}

func (s *uuidSorter) sort(e Event) {
	recs := e.recs
	keys := s.keys[:0]
	for i := range recs {
		keys = append(keys, uuidKey{head: e.uuidHead(i), at: i})
	}
	slices.SortFunc(keys, func(a, b uuidKey) int {
		if a.head != b.head {
			return cmp.Compare(a.head, b.head)
		}
		if c := e.compareUUIDs(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	// keys[i].at is where the record to put at i is now. Each cycle of
	// that permutation is followed once, marking each place done.
	for i := range keys {
		if keys[i].at == i {
			continue
		}
		first, j := recs[i], i
		for {
			from := keys[j].at
			keys[j].at = j
			if from == i {
				recs[j] = first
				break
			}
			recs[j] = recs[from]
			j = from
		}
	}
	s.keys = keys
}
