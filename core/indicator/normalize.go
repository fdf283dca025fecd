package indicator

import (
	"cmp"
	"net/netip"
	"slices"
)

// Normalize sorts ins in place into the canonical order and removes
// duplicates (same Type and Value), returning the shortened slice.
//
// Order: by kind group (IPv4 addresses and nets together, IPv6 likewise,
// then every other Type in declaration order); IP kinds numerically by
// address, then prefix length; everything else by byte value. Among
// duplicates the one with the newest Timestamp is kept (ties: the smallest
// UUID), so the result does not depend on the input order.
func Normalize(ins []Indicator) []Indicator {
	keys := make([]sortKey, len(ins))
	for i := range ins {
		keys[i] = makeKey(&ins[i], int32(i))
	}
	slices.SortFunc(keys, func(a, b sortKey) int { return compareKeys(ins, a, b) })

	// The place in ins of each indicator kept, in order.
	keep := make([]int32, 0, len(keys))
	for i := 0; i < len(keys); {
		j := i + 1
		best := keys[i].idx
		for j < len(keys) && ins[keys[j].idx].Type == ins[keys[i].idx].Type && ins[keys[j].idx].Value == ins[keys[i].idx].Value {
			if better(&ins[keys[j].idx], &ins[best]) {
				best = keys[j].idx
			}
			j++
		}
		keep = append(keep, best)
		i = j
	}
	return gather(ins, keep)
}

// gather moves ins[keep[k]] to ins[k] for each k, in place, each
// indicator once, and clears the rest: a list of a million indicators is
// not copied into a second array of its size. keep holds distinct places.
func gather(ins []Indicator, keep []int32) []Indicator {
	// from[k] is the place whose indicator goes to k: keep, then the
	// places not kept, which makes it a permutation of ins' places.
	from := make([]int32, len(ins))
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
		for k := start; ; {
			kept[k] = true
			next := int(from[k])
			if next == start {
				ins[k] = first
				break
			}
			ins[k] = ins[next]
			k = next
		}
	}
	clear(ins[len(keep):])
	return ins[:len(keep)]
}

type sortKey struct {
	group uint8
	addr  netip.Addr
	bits  int16
	idx   int32
}

func makeKey(in *Indicator, idx int32) sortKey {
	k := sortKey{group: group(in.Type), idx: idx}
	if p, ok := in.Prefix(); ok {
		k.addr, k.bits = p.Addr(), int16(p.Bits())
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

func compareKeys(ins []Indicator, a, b sortKey) int {
	if c := cmp.Compare(a.group, b.group); c != 0 {
		return c
	}
	x, y := &ins[a.idx], &ins[b.idx]
	// The zero Addr of non-IP kinds compares equal to itself and before
	// every valid address, so this order stays total.
	if c := a.addr.Compare(b.addr); c != 0 {
		return c
	}
	if c := cmp.Compare(a.bits, b.bits); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Type, y.Type); c != 0 {
		return c
	}
	return cmp.Compare(x.Value, y.Value)
}

func better(a, b *Indicator) bool {
	if a.Timestamp != b.Timestamp {
		return a.Timestamp > b.Timestamp
	}
	return a.UUID < b.UUID
}
