package indicator

import (
	"cmp"
	"encoding/binary"
	"runtime"
	"sort"
	"strings"

	"github.com/cratos-project/cratos/internal/hugepage"
	"github.com/cratos-project/cratos/internal/workgroup"
)

// Normalize sorts ins in place into the canonical order and removes
// duplicates (same Type and Value), returning the shortened slice.
//
// Order: by kind group (IPv4 addresses and nets together, IPv6 likewise,
// then every other Type in declaration order); IP kinds numerically by
// address, then prefix length; everything else by byte value. Among
// duplicates the best is kept (better), so the result does not depend on
// the input order.
func Normalize(ins []Indicator) []Indicator {
	return gather(ins, canonicalOrder(indicators(ins), len(ins)))
}

// sortable is a list being put in canonical order, read by place.
type sortable interface {
	kind(i int32) Type
	text(i int32) string
	// better reports whether i is kept rather than j, its duplicate.
	better(i, j int32) bool
}

// indicators is a []Indicator as a sortable.
type indicators []Indicator

func (s indicators) kind(i int32) Type      { return s[i].Type }
func (s indicators) text(i int32) string    { return s[i].Value }
func (s indicators) better(i, j int32) bool { return better(&s[i], &s[j]) }

// canonicalOrder returns the places of the n entries of ins that
// Normalize keeps, in its order.
func canonicalOrder(ins sortable, n int) []int32 {
	keys := make([]sortKey, n)
	hugepage.Back(keys)
	sortKeys := func(from, to int) {
		for i := from; i < to; i++ {
			keys[i] = makeKey(ins.kind(int32(i)), ins.text(int32(i)), int32(i))
		}
		radixSort(keys[from:to])
		sortEqualRuns(ins, keys[from:to])
	}
	// A long list's two halves are keyed and sorted at the same time, then
	// merged as they are read.
	half := len(keys)
	if len(keys) >= normalizeHalvesMin && runtime.GOMAXPROCS(0) > 1 {
		half = len(keys) / 2
		var wg workgroup.Group
		wg.Go(func() { sortKeys(half, len(keys)) })
		sortKeys(0, half)
		wg.Wait()
	} else {
		sortKeys(0, len(keys))
	}

	keep := make([]int32, len(keys))
	if half == len(keys) {
		return mergeKept(ins, keys, nil, keep[:0])
	}
	// The halves are merged by ranges of keys at the same time, one a
	// core: merged by one, the other cores waited. A range starts at a
	// key of the first half and at the first key of each half not before
	// it, so duplicates, which compare equal, stay in one range, and each
	// range keeps what the whole merge keeps of it. Each range's places
	// are written where its keys' count allows, then moved down.
	a, b := keys[:half], keys[half:]
	ranges := min(runtime.GOMAXPROCS(0), 8)
	fromA, fromB := make([]int, ranges+1), make([]int, ranges+1)
	fromA[ranges], fromB[ranges] = len(a), len(b)
	for r := 1; r < ranges; r++ {
		first := a[r*len(a)/ranges]
		notBefore := func(ks []sortKey, at int) int {
			return at + sort.Search(len(ks)-at, func(i int) bool { return compareKeys(ins, ks[at+i], first) >= 0 })
		}
		fromA[r], fromB[r] = notBefore(a, fromA[r-1]), notBefore(b, fromB[r-1])
	}
	kept := make([][]int32, ranges)
	each(ranges, func(r int) {
		at := fromA[r] + fromB[r]
		kept[r] = mergeKept(ins, a[fromA[r]:fromA[r+1]], b[fromB[r]:fromB[r+1]], keep[at:at])
	})
	total := 0
	for _, part := range kept {
		total += copy(keep[total:], part) // never past a later range's start
	}
	return keep[:total]
}

// mergeKept merges a and b, each in canonical order, and appends to keep
// the place in ins of each indicator kept, in order: duplicates (same
// Type and Value) compare equal and so come one after another, the best
// kept. Indicators whose keys differ differ, and are told apart without
// reading them (for an IP list, most of them).
func mergeKept(ins sortable, a, b []sortKey, keep []int32) []int32 {
	first, best := int32(-1), int32(-1) // the current run of duplicates
	var prev sortKey
	for len(a) > 0 || len(b) > 0 {
		var k sortKey
		if len(b) == 0 || len(a) > 0 && compareKeys(ins, a[0], b[0]) <= 0 {
			k, a = a[0], a[1:]
		} else {
			k, b = b[0], b[1:]
		}
		sameKey := first >= 0 && sameInts(&k, &prev)
		prev = k
		if sameKey && ins.kind(k.idx) == ins.kind(first) && ins.text(k.idx) == ins.text(first) {
			if ins.better(k.idx, best) {
				best = k.idx
			}
			continue
		}
		if best >= 0 {
			keep = append(keep, best)
		}
		first, best = k.idx, k.idx
	}
	if best >= 0 {
		keep = append(keep, best)
	}
	return keep
}

// normalizeHalvesMin is the length from which Normalize sorts a list's
// two halves at the same time.
const normalizeHalvesMin = 1 << 16

// gather moves ins[keep[k]] to ins[k] for each k, in place, each
// indicator once, and clears the rest: a list of a million indicators is
// not copied into a second array of its size. keep holds distinct places.
func gather[E any](ins []E, keep []int32) []E {
	ins, _ = gatherWith[E, struct{}](ins, nil, keep)
	return ins
}

// gatherWith is gather of ins and, when it is not nil, of beside, which
// holds a column of ins (one element each) and moves with it.
func gatherWith[E, F any](ins []E, beside []F, keep []int32) ([]E, []F) {
	// from[k] is the place whose indicator goes to k: keep, then the
	// places not kept, which makes it a permutation of ins' places.
	from := make([]int32, len(ins))
	hugepage.Back(from)
	kept := make([]bool, len(ins))
	n := copy(from, keep)
	for _, i := range keep {
		kept[i] = true
	}
	for i := range ins {
		if !kept[i] {
			from[n] = int32(i)
			n++
		}
	}
	// Follow each cycle of the permutation once; kept now marks the
	// places filled.
	clear(kept)
	for start := range from {
		if kept[start] || from[start] == int32(start) {
			continue
		}
		first := ins[start]
		var firstBeside F
		if beside != nil {
			firstBeside = beside[start]
		}
		for k := start; ; {
			kept[k] = true
			next := int(from[k])
			if next == start {
				ins[k] = first
				if beside != nil {
					beside[k] = firstBeside
				}
				break
			}
			ins[k] = ins[next]
			if beside != nil {
				beside[k] = beside[next]
			}
			k = next
		}
	}
	clear(ins[len(keep):])
	if beside != nil {
		clear(beside[len(keep):])
		beside = beside[:len(keep)]
	}
	return ins[:len(keep)], beside
}

// sortKey is what an indicator is sorted by before its Type and Value:
// its kind group and, for an IP kind, its address (16 bytes, an IPv4
// address in its IPv4-mapped form, as netip holds it) and prefix length.
// It holds no pointer and compares as integers.
type sortKey struct {
	hi, lo uint64
	idx    int32
	bits   int16
	group  uint8
	// addr is 0 without an address, 1 for IPv4, 2 for IPv6: the order of
	// netip.Addr.Compare (a prefix holds no zone).
	addr uint8
}

func makeKey(t Type, value string, idx int32) sortKey {
	k := sortKey{group: group(t), idx: idx}
	if p, ok := (Indicator{Type: t, Value: value}).Prefix(); ok {
		a := p.Addr()
		b := a.As16()
		k.hi, k.lo, k.bits = binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), int16(p.Bits())
		k.addr = 1
		if a.Is6() {
			k.addr = 2
		}
	}
	return k
}

// group maps a Type to its sort group: IPv4 and IPv4Net share one, IPv6 and
// IPv6Net another, every other Type has its own.
func group(t Type) uint8 {
	switch t {
	case IPv4, IPv4Net:
		return uint8(IPv4)
	case IPv6, IPv6Net:
		return uint8(IPv6)
	}
	return uint8(t)
}

// compareKeys orders by group, address (as netip.Addr.Compare: no
// address first, then IPv4, then IPv6, each by value), prefix length,
// Type and Value.
func compareKeys(ins sortable, a, b sortKey) int {
	if a.group != b.group {
		return cmp.Compare(a.group, b.group)
	}
	if a.addr != b.addr {
		return cmp.Compare(a.addr, b.addr)
	}
	if a.hi != b.hi {
		return cmp.Compare(a.hi, b.hi)
	}
	if a.lo != b.lo {
		return cmp.Compare(a.lo, b.lo)
	}
	if a.bits != b.bits {
		return cmp.Compare(a.bits, b.bits)
	}
	if x, y := ins.kind(a.idx), ins.kind(b.idx); x != y {
		return cmp.Compare(x, y)
	}
	return strings.Compare(ins.text(a.idx), ins.text(b.idx))
}

// better reports whether a is kept rather than b, its duplicate: the
// newer; of two as new, the first by MISP type, category and event id,
// then the one flagged to_ids, and last the smaller UUID. The UUID decides
// only between indicators alike in every other field, so a list made
// without UUIDs keeps what the list with them keeps, but for the UUIDs.
func better(a, b *Indicator) bool {
	if a.Timestamp != b.Timestamp {
		return a.Timestamp > b.Timestamp
	}
	if c := cmp.Or(strings.Compare(a.MISPType, b.MISPType), strings.Compare(a.Category, b.Category), cmp.Compare(a.EventID, b.EventID)); c != 0 {
		return c < 0
	}
	if a.ToIDS != b.ToIDS {
		return a.ToIDS
	}
	return a.UUID < b.UUID
}
