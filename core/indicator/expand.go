package indicator

import (
	"cmp"
	"slices"
)

// DefaultExpandBudget is the most addresses ExpandNets adds to one list
// unless told otherwise.
const DefaultExpandBudget = 1 << 20

// ExpandNets replaces IPv4 nets of ins (a Normalize'd list) whose prefix is
// at least limitBits long by their addresses, network and broadcast
// included, as the original's ipv4ext does — but never more than budget
// addresses in all: the narrowest nets are expanded first, and the nets
// that do not fit stay nets. The result is Normalize'd; expanded and kept
// count the nets of each outcome. The choice depends only on the list, so
// the same list always gives the same result.
func ExpandNets(ins []Indicator, limitBits, budget int) (out []Indicator, expanded, kept int) {
	if limitBits <= 0 || limitBits > 32 {
		limitBits = DefaultExpandLimit
	}
	if budget < 0 {
		budget = 0
	}
	type cand struct {
		idx  int
		bits int
	}
	var cands []cand
	for i, in := range ins {
		if in.Type != IPv4Net {
			continue
		}
		p, ok := in.Prefix()
		if !ok || p.Bits() < limitBits {
			kept++
			continue
		}
		cands = append(cands, cand{i, p.Bits()})
	}
	if len(cands) == 0 {
		return ins, 0, kept
	}
	// Narrowest first (most nets expanded for the budget); ties in list
	// order, which is address order.
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.bits, a.bits) })
	expand := make(map[int]bool, len(cands))
	used := 0
	for _, c := range cands {
		size := 1 << (32 - c.bits)
		if used+size > budget {
			kept++
			continue
		}
		used += size
		expand[c.idx] = true
		expanded++
	}
	if expanded == 0 {
		return ins, 0, kept
	}
	out = make([]Indicator, 0, len(ins)-expanded+used)
	for i, in := range ins {
		if !expand[i] {
			out = append(out, in)
			continue
		}
		p, _ := in.Prefix()
		in.Type = IPv4
		for a := p.Addr(); a.IsValid() && p.Contains(a); a = a.Next() {
			in.Value = a.String()
			out = append(out, in)
		}
	}
	return Normalize(out), expanded, kept
}
