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
		ids, ok := s.andTagIDs(f.and)
		if !ok {
			q.none = true
			return
		}
		for _, id := range ids {
			set, ev := mark([]int32{id})
			q.tagAnd = append(q.tagAnd, set)
			q.evTagAnd = append(q.evTagAnd, ev)
		}
	}
}

// andTagIDs resolves the AND tags as MISP's set_filter_tags does: names
// and ids at once, each tag found then required on the attribute or its
// event. ok is false, and nothing matches, unless they come to as many
// tags as were listed (a name that matches two tags counts twice, one
// that matches none not at all), or when an id names no tag.
func (s *store) andTagIDs(list []any) (ids []int32, ok bool) {
	var names []any
	byID := 0
	for _, x := range list {
		if _, isNum := numeric(phpString(x)); !isNum {
			names = append(names, x)
			continue
		}
		found := s.tagIDs([]any{x})
		if len(found) == 0 {
			return nil, false
		}
		ids = append(ids, found...)
		byID++
	}
	named := s.tagIDs(names)
	return append(ids, named...), byID+len(named) == len(list)
}

func anyTag(tags []int32, set []bool) bool {
	for _, t := range tags {
		if set[t] {
			return true
		}
	}
	return false
}
