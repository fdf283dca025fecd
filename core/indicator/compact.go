package indicator

import "strings"

// Compact copies the Value and UUID of every indicator of ins into one
// string, in list order, and points the indicators there. After Normalize
// a list's values lie wherever extraction made them, so every later pass
// in list order (guard rails, content digest, each rendering) reads them
// from memory at random; in one string they are read in order, and the
// collector sees one object where it saw one per indicator. The types and
// categories are left as they are: they are shared names.
func Compact(ins []Indicator) {
	n := 0
	for i := range ins {
		n += len(ins[i].Value) + len(ins[i].UUID)
	}
	var b strings.Builder
	b.Grow(n)
	for i := range ins {
		b.WriteString(ins[i].Value)
		b.WriteString(ins[i].UUID)
	}
	all := b.String()
	for i := range ins {
		in := &ins[i]
		v, u := len(in.Value), len(in.UUID)
		in.Value, in.UUID, all = all[:v], all[v:v+u], all[v+u:]
	}
}
