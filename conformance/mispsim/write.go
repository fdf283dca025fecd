package mispsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// dispatchWrite answers MISP's write API and GET /events/view/{id}; ok is
// false for every other route.
func (s *Server) dispatchWrite(parts []string, r *http.Request, body []byte, u User) (resp response, ok bool) {
	if len(parts) < 2 || parts[0] != "events" && parts[0] != "attributes" {
		return response{}, false
	}
	arg := func(i int) string {
		if len(parts) > i {
			return parts[i]
		}
		return ""
	}
	path := r.URL.Path
	key := parts[0] + "/" + parts[1]
	switch key {
	case "events/add", "events/edit", "events/delete", "events/publish", "events/unpublish", "events/addtag", "events/removetag",
		"attributes/add", "attributes/edit", "attributes/delete", "attributes/addtag", "attributes/removetag":
	case "events/view":
		if len(parts) != 3 {
			return errorResponse(http.StatusNotFound, "Invalid event", path), true
		}
		return s.viewEvent(arg(2), path, u), true
	default:
		return response{}, false
	}
	deletes := key == "attributes/delete" || key == "events/delete"
	if r.Method != http.MethodPost && r.Method != http.MethodPut && !(deletes && r.Method == http.MethodDelete) {
		return errorResponse(http.StatusMethodNotAllowed, "This function is only accessible via POST requests.", path), true
	}
	switch key {
	case "events/add":
		return s.addEventAPI(body, path, u), true
	case "events/edit":
		return s.editEventAPI(arg(2), body, path), true
	case "events/delete":
		return s.deleteEventAPI(arg(2), body, path), true
	case "events/publish":
		return s.publishAPI(arg(2), path), true
	case "events/unpublish":
		return s.unpublishAPI(arg(2), path), true
	case "events/addtag", "events/removetag":
		args, local := namedLocal(parts[2:])
		arg := func(i int) string {
			if len(args) > i {
				return args[i]
			}
			return ""
		}
		return s.eventTagAPI(key == "events/addtag", local, arg(0), arg(1), body), true
	case "attributes/add":
		return s.addAttributesAPI(arg(2), body, path), true
	case "attributes/edit":
		return s.editAttributeAPI(arg(2), body, path), true
	case "attributes/addtag", "attributes/removetag":
		args, local := namedLocal(parts[2:])
		arg := func(i int) string {
			if len(args) > i {
				return args[i]
			}
			return ""
		}
		return s.attrTagAPI(key == "attributes/addtag", local, arg(0), arg(1), body, path), true
	}
	hard := false
	for _, p := range parts[3:] {
		if v, ok := strings.CutPrefix(p, "hard:"); ok {
			hard = !phpEmpty(v)
		}
	}
	return s.deleteAttributeAPI(arg(2), hard, body, path), true
}

// write runs f under the write lock with the emulator's clock. When f
// reports a change, the store's generation moves on and the warninglist
// hits of the attributes f changed or added (indices) are brought up to
// date.
func (s *Server) write(f func(st *store, now int64) (resp response, changed []int, modified bool)) response {
	now := s.opts.Now().Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.gen
	resp, changed, modified := f(s.st, now)
	if modified {
		s.st.gen++
		s.afterWrite(old, changed)
	}
	return resp
}

// afterWrite keeps a computed warninglist index and hit set valid across a
// write instead of recomputing them for every attribute. The caller holds
// the write lock.
func (s *Server) afterWrite(oldGen uint64, changed []int) {
	s.wlMu.Lock()
	defer s.wlMu.Unlock()
	st := s.st
	if s.wlIx == nil || s.wlGen != oldGen {
		return
	}
	s.wlGen = st.gen
	if s.hits == nil || s.hitsGen != oldGen {
		return
	}
	if need := (len(st.attrs) + 63) / 64; need > len(s.hits) {
		s.hits = append(s.hits, make([]uint64, need-len(s.hits))...)
	}
	for _, i := range changed {
		a := &st.attrs[i]
		t := st.typeNames[a.typ]
		bit := uint64(1) << (i & 63)
		if s.wlIx.hit(s.wlIx.forType(t), t, a.value) {
			s.hits[i>>6] |= bit
		} else {
			s.hits[i>>6] &^= bit
		}
	}
	s.hitsGen = st.gen
}

// decodeBody reads a JSON request body with numbers kept as written; ok is
// false when it is not one JSON value.
func decodeBody(body []byte) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// unwrapObject removes the {"request":…} and {"response":…} wrappers MISP
// accepts, then the {"<name>":…} one.
func unwrapObject(v any, name string) map[string]any {
	m, _ := v.(map[string]any)
	for _, w := range []string{"response", "request"} {
		if inner, ok := m[w].(map[string]any); ok {
			m = inner
		}
	}
	if inner, ok := m[name].(map[string]any); ok {
		return inner
	}
	return m
}

// decodeObject reads the body of a write as decodeBody does and unwraps
// the object called name; ok is false for invalid JSON.
func decodeObject(body []byte, name string) (map[string]any, bool) {
	doc, ok := decodeBody(body)
	if !ok {
		return nil, false
	}
	return unwrapObject(doc, name), true
}

const invalidJSON = "Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request."

func jsonResponse(status int, v any) response {
	return bytesResponse(status, jsonType, marshal(v))
}

// saveFail is MISP's RestResponse saveFailResponse body (status 403).
func saveFail(action, controller string, id int64, errs any) response {
	msg := "Could not " + action + " " + strings.TrimSuffix(controller, "s")
	url := "/" + strings.ToLower(controller) + "/" + action
	type body struct {
		Saved   bool   `json:"saved"`
		Name    string `json:"name"`
		Message string `json:"message"`
		URL     string `json:"url"`
		Errors  any    `json:"errors"`
		ID      string `json:"id,omitempty"`
	}
	b := body{Name: msg, Message: msg, URL: url, Errors: errs}
	if id != 0 {
		b.URL += "/" + strconv.FormatInt(id, 10)
		b.ID = strconv.FormatInt(id, 10)
	}
	return jsonResponse(http.StatusForbidden, b)
}

// saveSuccess is MISP's RestResponse saveSuccessResponse body.
func saveSuccess(action, controller string, id int64, msg string) response {
	ids := strconv.FormatInt(id, 10)
	return jsonResponse(http.StatusOK, struct {
		Saved   bool   `json:"saved"`
		Success bool   `json:"success"`
		Name    string `json:"name"`
		Message string `json:"message"`
		URL     string `json:"url"`
		ID      string `json:"id"`
	}{true, true, msg, msg, "/" + strings.ToLower(controller) + "/" + action + "/" + ids, ids})
}

// inputInt reads an integer field of a request (a number or numeric
// string); ok is false when it is absent or null.
func inputInt(m map[string]any, k string) (int64, bool) {
	v, present := m[k]
	if !present || v == nil {
		return 0, false
	}
	return sqlInt(v), true
}

// inputString reads a string field; ok is false when absent or null.
func inputString(m map[string]any, k string) (string, bool) {
	v, present := m[k]
	if !present || v == nil {
		return "", false
	}
	return phpString(v), true
}

// inputBool reads a flag with PHP truthiness; ok is false when absent.
func inputBool(m map[string]any, k string) (bool, bool) {
	v, present := m[k]
	if !present || v == nil {
		return false, false
	}
	return !phpEmpty(v), true
}

// inputTags reads a "Tag" list: [{"name":…}], {"name":…} or names.
func inputTags(v any) []string {
	var out []string
	var one func(x any)
	one = func(x any) {
		switch t := x.(type) {
		case string:
			if strings.TrimSpace(t) != "" {
				out = append(out, strings.TrimSpace(t))
			}
		case map[string]any:
			if n, ok := t["name"]; ok {
				one(phpString(n))
			}
		case []any:
			for _, y := range t {
				one(y)
			}
		}
	}
	one(v)
	return out
}
