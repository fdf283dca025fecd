package mispsim

import (
	"io"
	"slices"
)

// searchResult is one restSearch page, ready to write. It holds copies
// of everything it writes, so that it can be written after the read lock
// is released while writes replace attributes and event tags.
type searchResult struct {
	chunks  [][]byte
	spans   []span // in output order
	evTags  [][]byte
	fetched int // rows on the page before warninglist filtering
	skipped int // rows dropped by warninglists
	count   int // X-Result-Count of a paged search
	size    int64
}

// span locates one attribute's encoded JSON in the arena.
type span struct {
	chunk, off, n uint32
	event         int32 // index in store.events
	tagged        bool  // the JSON ends with a "Tag" list
}

var comma = []byte{','}

const (
	searchHeader = `{"response": {"Attribute": [`
	searchFooter = "]}}\n"
)

// matchAll returns the indices of all attributes that pass q, warninglists
// aside. The caller holds the read lock.
func (s *store) matchAll(q *searchQuery) []int32 {
	var out []int32
	if q.none {
		return out
	}
	for i := range s.attrs {
		if q.match(s, &s.attrs[i]) {
			out = append(out, int32(i))
		}
	}
	return out
}

// search runs a compiled query; matched, when not nil, is the result of
// matchAll for q. As in MISP, limit and page select rows before
// warninglists drop values, so with enforceWarninglist a page can be
// shorter than the limit while later pages still hold data. The caller
// holds the read lock; hits is the warninglist bit set when q.enforceWL.
func (s *store) search(q *searchQuery, hits []uint64, matched []int32, piece int) *searchResult {
	// The chunk headers are copied: AddEvent updates the last one in place
	// while this page may still be written.
	r := &searchResult{chunks: slices.Clone(s.arena.chunks)}
	var sel []int32
	skip := 0
	if q.limit > 0 {
		skip = q.limit * (q.page - 1)
	}
	pages := newPageReader(q.limit, piece)
	take := func(i int) bool {
		r.fetched++
		hit := q.enforceWL && hits[i>>6]&(1<<(i&63)) != 0
		if hit {
			r.skipped++
		} else {
			sel = append(sel, int32(i))
		}
		return q.limit > 0 && pages.take(!hit)
	}
	switch {
	case q.none:
	case matched != nil:
		for _, i := range matched[min(skip, len(matched)):] {
			if take(int(i)) {
				break
			}
		}
	default:
		for i := range s.attrs {
			if !q.match(s, &s.attrs[i]) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if take(i) {
				break
			}
		}
	}
	if q.limit > 0 {
		r.count = pages.resultCount()
	}
	r.spans = make([]span, len(sel))
	r.size = int64(len(searchHeader) + len(searchFooter))
	if q.eventTags {
		r.evTags = make([][]byte, len(s.events))
	}
	for k, i := range sel {
		a := &s.attrs[i]
		r.spans[k] = span{chunk: a.chunk, off: a.off, n: a.n, event: a.event, tagged: a.tagSet != 0}
		r.size += int64(a.n)
		if r.evTags != nil {
			et := s.events[a.event].tagJSON
			r.evTags[a.event] = et
			r.size += extraTagBytes(et, a.tagSet != 0)
		}
	}
	if len(sel) > 1 {
		r.size += int64(len(sel) - 1)
	}
	return r
}

// extraTagBytes is how much longer an attribute gets with its event's
// tags appended.
func extraTagBytes(evTags []byte, tagged bool) int64 {
	switch {
	case len(evTags) == 0:
		return 0
	case tagged:
		return int64(len(evTags)) + 1 // ',' before them
	}
	return int64(len(evTags)) + int64(len(`,"Tag":[`)) + 1 // one '}' moves after ']'
}

// writeTo writes the page. Attributes that lie next to each other in the
// arena go out in one write, commas included, unless event tags are added.
func (r *searchResult) writeTo(w io.Writer) error {
	if _, err := io.WriteString(w, searchHeader); err != nil {
		return err
	}
	sp := r.spans
	for k := 0; k < len(sp); {
		first := &sp[k]
		if k > 0 {
			if _, err := w.Write(comma); err != nil {
				return err
			}
		}
		b := r.chunks[first.chunk][first.off : first.off+first.n]
		if r.evTags != nil && len(r.evTags[first.event]) > 0 {
			if err := writeWithEventTags(w, b, r.evTags[first.event], first.tagged); err != nil {
				return err
			}
			k++
			continue
		}
		end := first.off + first.n
		j := k + 1
		for ; j < len(sp) && r.evTags == nil; j++ {
			next := &sp[j]
			if next.chunk != first.chunk || next.off != end+1 {
				break
			}
			end = next.off + next.n
		}
		if _, err := w.Write(r.chunks[first.chunk][first.off:end]); err != nil {
			return err
		}
		k = j
	}
	_, err := io.WriteString(w, searchFooter)
	return err
}

// writeWithEventTags writes an attribute with its event's tags appended to
// its "Tag" list, as MISP's JSON export does with includeEventTags.
func writeWithEventTags(w io.Writer, attr, evTags []byte, tagged bool) error {
	var err error
	if tagged {
		_, err = w.Write(attr[:len(attr)-2]) // without "]}"
		if err == nil {
			_, err = w.Write(comma)
		}
	} else {
		_, err = w.Write(attr[:len(attr)-1]) // without "}"
		if err == nil {
			_, err = io.WriteString(w, `,"Tag":[`)
		}
	}
	if err == nil {
		_, err = w.Write(evTags)
	}
	if err == nil {
		_, err = io.WriteString(w, "]}")
	}
	return err
}
