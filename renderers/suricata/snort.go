package suricata

import (
	"maps"

	"github.com/cratos-project/cratos/renderers/suricata/internal/rulecheck"
)

// addSnort passes a Snort rule through when it is a single rule line whose
// sid is neither in the generated range nor taken by an earlier rule.
func (r *render) addSnort(v string) {
	gid, sid, reason := rulecheck.Check(v)
	if reason != "" {
		r.req.Drop(reason, 1)
		return
	}
	if gid == 1 && sid >= uint64(r.o.sidBase) && sid < uint64(r.o.sidBase)+1<<r.o.sidBits {
		r.req.Drop("snort rule whose sid is in the generated range", 1)
		return
	}
	key := [2]uint64{gid, sid}
	if r.snort[key] {
		r.req.Drop("snort rule whose sid is already used", 1)
		return
	}
	if r.snort == nil {
		r.snort = map[[2]uint64]bool{}
	}
	refs, ok := rulecheck.StateRefs(v)
	if !ok {
		r.req.Drop(DropStateOption, 1)
		return
	}
	r.snort[key] = true
	r.pendingSnort = append(r.pendingSnort, snortRule{v, refs})
}

// DropStateOption is the reason for a passed-through rule whose flowbits,
// hostbits, xbits, flowint, flowvar or pktvar option or pcre capture is
// not one the renderer can read: it might write a state variable the
// sensor's own rules test.
const DropStateOption = "snort rule with a flowbits, hostbits, xbits, flowint, flowvar or pktvar option or pcre capture that is malformed or names a variable the renderer cannot namespace"

// snortRule is a passed-through rule and the state variables it names.
type snortRule struct {
	line string
	refs []rulecheck.StateRef
}

// flushSnort writes the pending passed-through rules, each with
// StatePrefix before the names that one of them writes. Renderers receive
// indicators sorted by type, so the rules of a list come together and are
// all pending when the first other indicator comes. A rule that renaming
// makes unloadable is dropped, and the names only it writes are not
// renamed in the others: no rule of the list writes them.
func (r *render) flushSnort() {
	dropped := make([]string, len(r.pendingSnort))
	all := r.written(dropped)
	for i, s := range r.pendingSnort {
		line := renameState(s.line, s.refs, all)
		switch _, ok := rulecheck.StateRefs(line); {
		case len(line) > MaxRuleLine:
			dropped[i] = "rule longer than 8191 bytes"
		case !ok:
			dropped[i] = DropStateOption
		}
	}
	// Without the dropped rules' names, the others only get shorter.
	written := r.written(dropped)
	for i, s := range r.pendingSnort {
		if dropped[i] != "" {
			r.req.Drop(dropped[i], 1)
			continue
		}
		r.out.WriteString(renameState(s.line, s.refs, written))
		r.out.WriteByte('\n')
	}
	r.stateWritten = written
	clear(r.pendingSnort)
	r.pendingSnort = r.pendingSnort[:0]
}

// written returns the state variables written by the rules already
// written and by the pending ones that dropped does not name.
func (r *render) written(dropped []string) map[stateKey]bool {
	w := maps.Clone(r.stateWritten)
	if w == nil {
		w = map[stateKey]bool{}
	}
	for i, s := range r.pendingSnort {
		for _, ref := range s.refs {
			if ref.Write && dropped[i] == "" {
				w[stateKey{ref.Store, ref.Name}] = true
			}
		}
	}
	return w
}
