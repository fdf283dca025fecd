package mispsim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// tagRow is a tag as MISP's Tag model reads it, recursive -1.
type tagRow struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Colour         string  `json:"colour"`
	Exportable     bool    `json:"exportable"`
	OrgID          string  `json:"org_id"`
	UserID         string  `json:"user_id"`
	HideTag        bool    `json:"hide_tag"`
	NumericalValue *string `json:"numerical_value"`
	IsGalaxy       bool    `json:"is_galaxy"`
	IsCustomGalaxy bool    `json:"is_custom_galaxy"`
	LocalOnly      bool    `json:"local_only"`
}

type tagWrapped struct {
	Tag tagRow `json:"Tag"`
}

func (s *store) tagRow(t int32) tagWrapped {
	tr := &s.tags[t]
	return tagWrapped{tagRow{ID: strconv.FormatInt(tr.id, 10), Name: tr.name, Colour: tr.colour, Exportable: true,
		OrgID: "0", UserID: "0", IsGalaxy: tr.isGalaxy}}
}

// tagsAPI answers /tags/edit/{id} and /tags/search; ok is false for
// every other route.
func (s *Server) tagsAPI(parts []string, r *http.Request, body []byte) (resp response, ok bool) {
	if len(parts) < 2 || parts[0] != "tags" {
		return response{}, false
	}
	args := parts[2:]
	switch parts[1] {
	case "edit":
		if r.Method != http.MethodPost && r.Method != http.MethodPut {
			return errorResponse(http.StatusMethodNotAllowed, "This function is only accessible via POST requests.", r.URL.Path), true
		}
		id := ""
		if len(args) > 0 {
			id = args[0]
		}
		return s.editTagAPI(id, body, r.URL.Path), true
	case "search":
		return s.searchTagsAPI(args, body), true
	}
	return response{}, false
}

// editTagAPI answers POST /tags/edit/{id} (TagsController::edit): the
// tag's name and colour, from the body or its "Tag" object, saved under
// the Tag model's rules (a name not blank, cut to 255 bytes, unique
// without case). It moves no event or attribute timestamp and unpublishes
// nothing; every event and attribute carrying the tag then shows it, and
// every tags filter matches it, under its new name.
func (s *Server) editTagAPI(ref string, body []byte, path string) response {
	id, err := strconv.ParseInt(strings.TrimSpace(ref), 10, 64)
	if ref == "" {
		return errorResponse(http.StatusNotFound, "No ID set.", path)
	}
	in, valid := decodeObject(body, "Tag")
	if !valid {
		return errorResponse(http.StatusMethodNotAllowed, invalidJSON, path)
	}
	return s.write(func(st *store, _ int64) (response, []int, bool) {
		t := int32(-1)
		if err == nil {
			t = st.tagByID(id)
		}
		if t < 0 {
			return errorResponse(http.StatusNotFound, "Invalid tag", path), nil, false
		}
		tr := &st.tags[t]
		name, rename := inputString(in, "name")
		if rename && len(name) >= 255 {
			name = name[:255]
		}
		colour, recolour := inputString(in, "colour")
		switch {
		case rename && strings.TrimSpace(name) == "":
			return errorResponse(http.StatusMethodNotAllowed, "Could not add the Tag. [name]: This field is required.", path), nil, false
		case rename && st.tagTaken(strings.ToLower(name), t):
			return errorResponse(http.StatusMethodNotAllowed, "Could not add the Tag. [name]: A similar name already exists.", path), nil, false
		case recolour && strings.TrimSpace(colour) == "":
			return errorResponse(http.StatusMethodNotAllowed, "Could not add the Tag. [colour]: This field is required.", path), nil, false
		}
		if recolour {
			tr.colour = colour
		}
		if rename {
			delete(st.tagByLower, tr.lower)
			tr.name, tr.lower = name, strings.ToLower(name)
			tr.isGalaxy = strings.HasPrefix(tr.lower, "misp-galaxy:")
			st.tagByLower[tr.lower] = t
		}
		return jsonResponse(http.StatusOK, st.tagRow(t)), st.reencodeTag(t), rename || recolour
	})
}

// tagTaken reports whether a tag other than t has the lower-case name.
func (s *store) tagTaken(lower string, t int32) bool {
	i, ok := s.tagByLower[lower]
	return ok && i != t
}

// reencodeTag rebuilds what the store keeps encoded of tag t: the tags of
// the events and the attributes carrying it. It returns the attributes
// rewritten.
func (s *store) reencodeTag(t int32) []int {
	for _, e := range s.events {
		if containsInt32(e.tags, t) {
			e.tagJSON = s.encodeEventTags(e.tags)
		}
	}
	var out []int
	for i := range s.attrs {
		tags := s.tagSets[s.attrs[i].tagSet]
		if s.attrs[i].flags&flagPurged == 0 && slices.Contains(tags, t) {
			a := s.attrData(i)
			s.rewriteAttr(i, &a, tags)
			out = append(out, i)
		}
	}
	return out
}

// searchTagsAPI answers /tags/search[/{tag}[/{strictTagNameOnly}]]
// (TagsController::search): the tags named by the body's "tag" (a name or
// a list), or by the body itself, else by the path. Names match as
// case-insensitive SQL LIKE patterns; with strictTagNameOnly, numbers name
// tags by id and names must be equal. The emulator has no taxonomies or
// galaxy clusters, so rows carry only "Tag".
func (s *Server) searchTagsAPI(args []string, body []byte) response {
	var names []any
	if len(args) > 0 {
		names = []any{args[0]}
	}
	strict := len(args) > 1 && !phpEmpty(args[1])
	if doc, ok := decodeBody(body); ok && !phpEmpty(doc) {
		in := unwrapObject(doc, "Tag")
		v, has := in["tag"]
		switch {
		case has && !phpEmpty(v):
		case in != nil:
			v = in
		default:
			v = doc
		}
		switch x := v.(type) {
		case []any:
			names = x
		case map[string]any:
			names = nil
			for _, y := range x {
				names = append(names, y)
			}
		default:
			names = []any{x}
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	out := []tagWrapped{}
	for i := range st.tags {
		if st.tagNamed(int32(i), names, strict) {
			out = append(out, st.tagRow(int32(i)))
		}
	}
	return jsonResponse(http.StatusOK, out)
}

// tagNamed reports whether one of names names tag t.
func (s *store) tagNamed(t int32, names []any, strict bool) bool {
	tr := &s.tags[t]
	for _, x := range names {
		v := phpString(x)
		if !strict {
			if likeMatch(v, tr.name) {
				return true
			}
			continue
		}
		if _, isNum := numeric(v); isNum {
			if id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && id == tr.id {
				return true
			}
			continue
		}
		if strings.EqualFold(v, tr.name) {
			return true
		}
	}
	return false
}
