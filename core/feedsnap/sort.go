package feedsnap

import (
	"cmp"
	"slices"
)

// uuidSorter sorts events' attributes by uuid as a stable sort would,
// without moving the records more than once: it sorts small keys, each
// the first eight bytes of the uuid as a number, compared first, and the
// record's place (the uuids compared next, then the places; both packed
// into one number where they fit, placeBits), then puts each record in
// its place. Its keys are reused from one event to the next.
type uuidSorter struct {
	keys   []uuidKey
	packed []uint64
}

type uuidKey struct {
	head uint64
	at   int
}

// placeBits is how many low bits of a packed key hold the record's place;
// the high bits hold the head's. An event of up to 1<<placeBits records
// is sorted on packed keys, as plain numbers, and only a run of keys
// whose heads share their high bits is then compared in full.
const (
	placeBits = 20
	placeMask = 1<<placeBits - 1
)

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
	keys := s.order(e)
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
}

// order returns, at i, the place of the record that belongs at i.
func (s *uuidSorter) order(e Event) []uuidKey {
	n := len(e.recs)
	s.keys = slices.Grow(s.keys[:0], n)[:n]
	if n > 1<<placeBits {
		s.orderFull(e)
	} else {
		s.orderPacked(e)
	}
	return s.keys
}

// compareKeys orders keys by head, then uuid, then place.
func (e Event) compareKeys(a, b uuidKey) int {
	if a.head != b.head {
		return cmp.Compare(a.head, b.head)
	}
	if c := e.compareUUIDs(a.at, b.at); c != 0 {
		return c
	}
	return cmp.Compare(a.at, b.at)
}

// orderFull sorts s.keys, one a record, comparing them in full.
func (s *uuidSorter) orderFull(e Event) {
	for i := range s.keys {
		s.keys[i] = uuidKey{head: e.uuidHead(i), at: i}
	}
	slices.SortFunc(s.keys, e.compareKeys)
}

// orderPacked sorts s.keys, one a record, as packed keys, then each run
// whose heads share their high bits in full.
func (s *uuidSorter) orderPacked(e Event) {
	keys := s.keys
	n := len(keys)
	packed := slices.Grow(s.packed[:0], n)[:n]
	s.packed = packed
	for i := range packed {
		packed[i] = e.uuidHead(i)&^placeMask | uint64(i)
	}
	slices.Sort(packed)
	for i := 0; i < n; {
		j := i + 1
		for j < n && packed[j]&^placeMask == packed[i]&^placeMask {
			j++
		}
		for k := i; k < j; k++ {
			keys[k] = uuidKey{at: int(packed[k] & placeMask)}
		}
		if run := keys[i:j]; len(run) > 1 {
			for k := range run {
				run[k].head = e.uuidHead(run[k].at)
			}
			slices.SortFunc(run, e.compareKeys)
		}
		i = j
	}
}
