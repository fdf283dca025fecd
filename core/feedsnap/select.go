package feedsnap

import (
	"strings"
	"unicode/utf8"

	"github.com/cratos-project/cratos/core/indicator"
)

// Selection is what one data type's search asked MISP for, applied to a
// feed snapshot instead.
type Selection struct {
	// Types are the MISP attribute types of the data type.
	Types []string
	// ToIDS keeps only attributes flagged to_ids.
	ToIDS bool
	// Since keeps attributes whose timestamp is at least this (unix
	// seconds), as MISP's timestamp filter does.
	Since int64
	// WithoutUUIDs gives every attribute an empty UUID, for a list whose
	// readers do not read it: what is not made costs nothing.
	WithoutUUIDs bool
}

// Selectable reports whether types can be selected locally: names only,
// no SQL patterns, as restSearch's type filter compares them.
func Selectable(types []string) bool {
	for _, t := range types {
		if t == "" || strings.ContainsAny(t, "%!&") {
			return false
		}
	}
	return true
}

// typeMatcher compares types as MISP's type filter does: without case,
// and asking for email-src or email-dst asks for email too. A type in
// ASCII, which MISP's are, is compared in place with each type wanted
// when there are few of them, rather than lower-cased for a map lookup;
// the answer is the same.
func typeMatcher(types []string) func(string) bool {
	want := map[string]bool{}
	for _, t := range types {
		t = strings.ToLower(t)
		want[t] = true
		if t == "email-src" || t == "email-dst" {
			want["email"] = true
		}
	}
	lookup := func(t string) bool { return want[strings.ToLower(t)] }
	if len(want) > fewTypes {
		return lookup
	}
	few := make([]string, 0, len(want))
	for t := range want {
		few = append(few, t)
	}
	return func(t string) bool {
		for i := 0; i < len(t); i++ {
			if t[i] >= utf8.RuneSelf {
				return lookup(t)
			}
		}
		for _, w := range few {
			if len(w) == len(t) && asciiLowerEqual(t, w) {
				return true
			}
		}
		return false
	}
}

// fewTypes is the most types wanted that typeMatcher compares one by one.
const fewTypes = 8

// asciiLowerEqual reports whether lower-casing t, all ASCII, gives w, of
// the same length.
func asciiLowerEqual(t, w string) bool {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// Covers reports whether every type of types is among the snapshot
// search's types.
func Covers(snapshotTypes, types []string) bool {
	has := typeMatcher(snapshotTypes)
	for _, t := range types {
		if !has(t) {
			return false
		}
	}
	return true
}

// Select calls fn for every attribute of s that sel selects, by event id
// then uuid. MISP always stamps attributes; one read without a timestamp
// (0) is kept at every age, as a search with the age would have left the
// choice to MISP. The attribute's Value and UUID are borrowed: valid only
// until fn returns (Attribute.Own copies them).
func (s *Snapshot) Select(sel Selection, fn func(indicator.Attribute)) {
	s.Portions(1)[0].Select(sel, fn)
}

// Count returns how many attributes Select would give fn, without making
// them: a caller sizes what it collects them in once.
func (s *Snapshot) Count(sel Selection) int {
	return s.Portions(1)[0].Count(sel)
}

// A Portion is a run of a snapshot's events, in event id order. The
// portions of a snapshot can be selected from at the same time, each by
// its own goroutine; selecting from each in turn gives what Select on
// the whole snapshot gives, in the same order.
type Portion struct {
	s   *Snapshot
	ids []int64
}

// Portions cuts s into at most n portions of about as many attributes
// each, in order: a portion ends with the event that brings the
// attributes so far to the next multiple of 1/n of them (an event is
// never split, so one large event may take the place of several
// portions). It returns at least one portion, empty when s holds nothing.
func (s *Snapshot) Portions(n int) []Portion {
	ids := s.Events()
	var out []Portion
	from := 0
	for _, end := range shareEnds(len(ids), n, s.Attributes, func(i int) int { return s.events[ids[i]].Len() }) {
		out = append(out, Portion{s: s, ids: ids[from:end]})
		from = end
	}
	return out
}

// shareEnds cuts count items, of size(i) each and total in all, into at
// most n runs, in order, and returns where each run ends: a run ends with
// the item that brings the sizes so far to the next multiple of 1/n of
// total (an item is never split, so one large item may take the place of
// several runs). It returns one run, empty when count is 0, when n is 1
// or less or total is 0; runs are never empty otherwise.
func shareEnds(count, n, total int, size func(i int) int) []int {
	if n <= 1 || total == 0 {
		return []int{count}
	}
	var ends []int
	held, share := 0, 1 // share: the next multiple of 1/n to reach
	for i := range count {
		held += size(i)
		if share < n && held*n >= total*share {
			ends = append(ends, i+1)
			for share < n && held*n >= total*share {
				share++
			}
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] < count {
		ends = append(ends, count)
	}
	return ends
}

// Select calls fn for every attribute of p that sel selects, by event id
// then uuid (see Snapshot.Select). The attribute's Value and UUID are
// borrowed: valid only until fn returns (Attribute.Own copies them).
func (p Portion) Select(sel Selection, fn func(indicator.Attribute)) {
	var buf [36]byte
	p.selected(sel, func(id int64, e Event, i int) { fn(e.borrowed(id, i, &buf, !sel.WithoutUUIDs)) })
}

// Count returns how many attributes Select would give fn.
func (p Portion) Count(sel Selection) int {
	n := 0
	p.selected(sel, func(int64, Event, int) { n++ })
	return n
}

// selected calls fn with the event id, the event and the record index of
// every record sel selects, in Select's order.
func (p Portion) selected(sel Selection, fn func(id int64, e Event, i int)) {
	match := typeMatcher(sel.Types)
	// Whether each of a store's names is a type selected, worked out once
	// a store.
	var (
		named   *store
		matches []bool
	)
	for _, id := range p.ids {
		e := p.s.events[id]
		if e.st != named {
			named, matches = e.st, matches[:0]
			for _, name := range e.st.names {
				matches = append(matches, match(name))
			}
		}
		for i := range e.recs {
			r := &e.recs[i]
			if !matches[r.typ] || sel.ToIDS && !r.toIDS() {
				continue
			}
			if ts := e.timestamp(i); ts >= sel.Since || ts == 0 {
				fn(id, e, i)
			}
		}
	}
}
