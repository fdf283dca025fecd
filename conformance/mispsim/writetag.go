package mispsim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// tagResult is the JSON body of /events/addTag and /events/removeTag.
type tagResult struct {
	Saved        bool   `json:"saved"`
	Success      string `json:"success,omitempty"`
	Errors       string `json:"errors,omitempty"`
	CheckPublish bool   `json:"check_publish,omitempty"`
}

// eventTagAPI answers POST /events/addTag[/{id}[/{tag}]] and
// /events/removeTag: the event and tag come from the path or from the body
// ("event" or "event_id" or "id", "tag" or "tag_id"). Attaching or removing
// a tag unpublishes the event and sets its timestamp to now. A local tag
// (addTag's named parameter local:1) changes neither, when attached or
// removed: MISP's EventsController::addTag and removeTag call
// unpublishEvent only for a tag that is not local. Answers are always 200,
// with MISP's {"saved":…} bodies.
func (s *Server) eventTagAPI(add, local bool, evRef, tagRef string, body []byte) response {
	evRef, tagRef = tagRequest(body, "Event", []string{"event", "event_id"}, evRef, tagRef)
	ok := func(r tagResult) response { return jsonResponse(http.StatusOK, r) }
	if add {
		return s.write(func(st *store, now int64) (response, []int, bool) {
			ei, found := st.eventIndex(evRef)
			if !found {
				return ok(tagResult{Errors: "Invalid event."}), nil, false
			}
			ids, bad := st.tagRefs(tagRef)
			if bad != "" {
				return ok(tagResult{Errors: bad}), nil, false
			}
			e := st.events[ei]
			var fails []string
			added := 0
			for _, t := range ids {
				switch {
				case t < 0:
					fails = append(fails, "Tag not found.")
				case containsInt32(e.tags, t):
					fails = append(fails, "Tag is already attached to this event.")
				default:
					e.tags = append(e.tags, t)
					if local {
						e.local = append(e.local, t)
					}
					added++
				}
			}
			if added == 0 {
				return ok(tagResult{Errors: strings.Join(fails, ", ")}), nil, false
			}
			e.tagJSON = st.encodeEventTags(e.tags)
			if !local {
				st.unpublishEvent(ei, now)
			}
			msg := "Tag added."
			if added > 1 {
				msg = "Tags added."
			}
			if len(fails) > 0 {
				msg = "Tag added"
				if added > 1 {
					msg = strconv.Itoa(added) + " tags added"
				}
				msg += ", but " + strconv.Itoa(len(fails)) + " could not be added: " + strings.Join(fails, ", ")
			}
			return ok(tagResult{Saved: true, Success: msg, CheckPublish: true}), nil, true
		})
	}
	return s.write(func(st *store, now int64) (response, []int, bool) {
		t, bad := st.tagByRefLike(tagRef)
		if bad {
			return ok(tagResult{Errors: "Invalid Tag."}), nil, false
		}
		ei, found := st.eventIndex(evRef)
		if _, err := strconv.ParseInt(strings.TrimSpace(evRef), 10, 64); err != nil || !found || t < 0 || !containsInt32(st.events[ei].tags, t) {
			return ok(tagResult{Errors: "Invalid event - tag combination."}), nil, false
		}
		e := st.events[ei]
		k := 0
		for _, x := range e.tags {
			if x != t {
				e.tags[k] = x
				k++
			}
		}
		e.tags = e.tags[:k:k]
		e.tagJSON = st.encodeEventTags(e.tags)
		if l := slices.Index(e.local, t); l >= 0 {
			e.local = slices.Delete(slices.Clone(e.local), l, l+1)
		} else {
			st.unpublishEvent(ei, now)
		}
		return ok(tagResult{Saved: true, Success: "Tag removed.", CheckPublish: true}), nil, true
	})
}

func (s *store) tagByID(id int64) int32 {
	for i := range s.tags {
		if s.tags[i].id == id {
			return int32(i)
		}
	}
	return -1
}

// tagRefs resolves /events/addTag's tag: a numeric id, a JSON list of ids,
// or an existing tag's name (MISP's addTag does not create tags). Unknown
// ids come back as -1; bad is the error for an unknown name.
func (s *store) tagRefs(ref string) (ids []int32, bad string) {
	ref = strings.TrimSpace(ref)
	if _, isNum := numeric(ref); isNum {
		id, _ := strconv.ParseInt(ref, 10, 64)
		return []int32{s.tagByID(id)}, ""
	}
	var list []any
	if json.Unmarshal([]byte(ref), &list) == nil {
		for _, x := range list {
			id, _ := strconv.ParseInt(strings.TrimSpace(phpString(x)), 10, 64)
			ids = append(ids, s.tagByID(id))
		}
		if len(ids) == 0 {
			return nil, "Nothing to add."
		}
		return ids, ""
	}
	if i, ok := s.tagByLower[strings.ToLower(ref)]; ok {
		return []int32{i}, ""
	}
	return nil, "Invalid Tag."
}

// namedLocal takes CakePHP's named parameter local:{value} out of a path's
// arguments: whether it is set (not empty in PHP's sense), and the other
// arguments in order.
func namedLocal(args []string) (rest []string, local bool) {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "local:"); ok {
			local = !phpEmpty(v)
			continue
		}
		rest = append(rest, a)
	}
	return rest, local
}
