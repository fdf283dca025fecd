package mispsim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// tagRequest reads the object and tag of an addTag or removeTag request
// from the body when the path does not give them: keys in names (or "id")
// for the object, "tag" or "tag_id" for the tag, optionally inside
// {"request":…} and {"<wrapper>":…}.
func tagRequest(body []byte, wrapper string, names []string, objRef, tagRef string) (string, string) {
	in, ok := decodeObject(body, wrapper)
	if !ok {
		return objRef, tagRef
	}
	for _, k := range append(names, "id") {
		if v, ok := inputString(in, k); ok && objRef == "" {
			objRef = v
		}
	}
	for _, k := range []string{"tag", "tag_id"} {
		v, present := in[k]
		if !present || tagRef != "" {
			continue
		}
		if list, isList := v.([]any); isList {
			tagRef = string(marshal(list))
		} else {
			tagRef = phpString(v)
		}
	}
	return objRef, tagRef
}

// touchAttr is MISP's MispAttribute::touch: the attribute's timestamp and
// its event's become now, and the event is unpublished.
func (s *store) touchAttr(i int, tags []int32, now int64) {
	a := s.attrData(i)
	a.Timestamp = now
	s.rewriteAttr(i, &a, tags)
	s.unpublishEvent(s.attrs[i].event, now)
}

// retagAttr gives attribute i the tag list tags without touching it, as
// MISP saves a local tag: no timestamp moves and the event stays published.
func (s *store) retagAttr(i int, tags []int32) {
	a := s.attrData(i)
	s.rewriteAttr(i, &a, tags)
}

// attrTagAPI answers POST /attributes/addTag[/{id}[/{tag}]][/local:1] and
// /attributes/removeTag: a change touches the attribute (timestamp now)
// and unpublishes its event with timestamp now, unless the tag is local
// (added with local:1, or removed having been added so), which moves
// nothing (MISP's AttributesController::addTag and removeTag touch only
// for a tag that is not local).
func (s *Server) attrTagAPI(add, local bool, ref, tagRef string, body []byte, path string) response {
	ref, tagRef = tagRequest(body, "Attribute", []string{"attribute", "attribute_id"}, ref, tagRef)
	ok := func(r tagResult) response { return jsonResponse(http.StatusOK, r) }
	return s.write(func(st *store, now int64) (response, []int, bool) {
		i := st.attrIndex(strings.TrimSpace(ref))
		if _, err := strconv.ParseInt(strings.TrimSpace(ref), 10, 64); !add && err != nil {
			i = -1 // removeTag looks attributes up by id only
		}
		if i < 0 || st.attrs[i].flags&flagDeleted != 0 {
			return errorResponse(http.StatusNotFound, "Invalid attribute", path), nil, false
		}
		tags := slices.Clone(st.tagSets[st.attrs[i].tagSet])
		if !add {
			t, bad := st.tagByRefLike(tagRef)
			if bad {
				return ok(tagResult{Errors: "Invalid Tag."}), nil, false
			}
			k := slices.Index(tags, t)
			if t < 0 || k < 0 {
				return ok(tagResult{Errors: "Invalid attribute - tag combination."}), nil, false
			}
			id := st.attrs[i].id
			if l := slices.Index(st.attrLocal[id], t); l >= 0 {
				st.setAttrLocal(id, slices.Delete(slices.Clone(st.attrLocal[id]), l, l+1))
				st.retagAttr(i, slices.Delete(tags, k, k+1))
				return ok(tagResult{Saved: true, Success: "Tag removed."}), []int{i}, true
			}
			st.touchAttr(i, slices.Delete(tags, k, k+1), now)
			return ok(tagResult{Saved: true, Success: "Tag removed.", CheckPublish: true}), []int{i}, true
		}
		ids, bad := st.tagRefs(tagRef)
		if bad != "" {
			return ok(tagResult{Errors: bad}), nil, false
		}
		added, fails := 0, 0
		for _, t := range ids {
			if t < 0 || slices.Contains(tags, t) {
				fails++
				continue
			}
			tags = append(tags, t)
			id := st.attrs[i].id
			own := slices.DeleteFunc(slices.Clone(st.attrLocal[id]), func(x int32) bool { return x == t })
			if local {
				own = append(own, t)
			}
			st.setAttrLocal(id, own)
			added++
		}
		switch {
		case added > 0 && local:
			st.retagAttr(i, tags)
		case added > 0:
			st.touchAttr(i, tags, now)
		}
		if fails == 0 {
			msg := "Tag added."
			if added != 1 {
				msg = strconv.Itoa(added) + " tags added"
			}
			return ok(tagResult{Saved: true, Success: msg, CheckPublish: true}), []int{i}, true
		}
		msg := "Tag could not be added."
		if fails > 1 {
			msg = strconv.Itoa(fails) + " tags could not be added."
		}
		switch {
		case added == 1:
			msg += " However, 1 tag was added."
		case added > 1:
			msg += " However, " + strconv.Itoa(added) + " tags were added."
		}
		return ok(tagResult{Errors: msg}), []int{i}, added > 0
	})
}

// tagByRefLike resolves removeTag's tag: a numeric id (-1 when unknown) or
// the first tag whose name matches it as a case-insensitive LIKE pattern;
// bad is set for an empty reference or an unmatched name.
func (s *store) tagByRefLike(ref string) (t int32, bad bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || ref == "0" {
		return -1, true
	}
	if _, isNum := numeric(ref); isNum {
		id, _ := strconv.ParseInt(ref, 10, 64)
		return s.tagByID(id), false
	}
	for i := range s.tags {
		if likeMatch(ref, s.tags[i].name) {
			return int32(i), false
		}
	}
	return -1, true
}

// setAttrLocal records the local tags of attribute id.
func (s *store) setAttrLocal(id int64, local []int32) {
	if len(local) == 0 {
		delete(s.attrLocal, id)
		return
	}
	if s.attrLocal == nil {
		s.attrLocal = map[int64][]int32{}
	}
	s.attrLocal[id] = local
}
