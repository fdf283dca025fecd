package mispsim

import (
	"strconv"
	"strings"
)

// tagIDs resolves tag names (SQL LIKE) and numeric ids to tag indices.
func (s *store) tagIDs(names []any) []int32 {
	var out []int32
	for _, x := range names {
		v := phpString(x)
		if _, isNum := numeric(v); isNum {
			id, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			for i := range s.tags {
				if s.tags[i].id == id {
					out = appendUnique(out, int32(i))
				}
			}
			continue
		}
		if !strings.ContainsAny(v, `%_\`) {
			if i, ok := s.tagByLower[strings.ToLower(v)]; ok {
				out = appendUnique(out, i)
			}
			continue
		}
		for i := range s.tags {
			if likeMatch(v, s.tags[i].name) {
				out = appendUnique(out, int32(i))
			}
		}
	}
	return out
}

func (q *searchQuery) compileTags(s *store, f filterList) {
	mark := func(ids []int32) ([]bool, []bool) {
		set := make([]bool, len(s.tags))
		for _, id := range ids {
			set[id] = true
		}
		ev := make([]bool, len(s.events))
		for i, e := range s.events {
			for _, t := range e.tags {
				if set[t] {
					ev[i] = true
					break
				}
			}
		}
		return set, ev
	}
	if len(f.or) > 0 {
		ids := s.tagIDs(f.or)
		if len(ids) == 0 {
			q.none = true
			return
		}
		q.tagPos, q.evTagPos = mark(ids)
	}
	if len(f.not) > 0 {
		if ids := s.tagIDs(f.not); len(ids) > 0 {
			q.tagNeg, q.evTagNeg = mark(ids)
		}
	}
	if len(f.and) > 0 {
		for _, x := range f.and {
			ids := s.tagIDs([]any{x})
			if len(ids) == 0 {
				q.none = true
				return
			}
			set, ev := mark(ids)
			q.tagAnd = append(q.tagAnd, set)
			q.evTagAnd = append(q.evTagAnd, ev)
		}
	}
}

func anyTag(tags []int32, set []bool) bool {
	for _, t := range tags {
		if set[t] {
			return true
		}
	}
	return false
}
