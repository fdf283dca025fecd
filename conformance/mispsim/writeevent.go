package mispsim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// addEventAPI answers POST /events/add: the event and its attributes
// (those inside "Object" entries get fresh object ids) are stored with the
// request's timestamps or now; "published" publishes it at once. User u's
// organisation owns and creates it (EventsController::add).
func (s *Server) addEventAPI(body []byte, path string, u User) response {
	in, ok := decodeObject(body, "Event")
	if !ok {
		return errorResponse(http.StatusMethodNotAllowed, invalidJSON, path)
	}
	if len(in) == 0 {
		return errorResponse(http.StatusMethodNotAllowed, "No valid event data received.", path)
	}
	return s.write(func(st *store, now int64) (response, []int, bool) {
		uuid, _ := inputString(in, "uuid")
		if st.blockedUUIDs[strings.ToLower(uuid)] {
			return errorResponse(http.StatusForbidden, "Event blocked by event blocklist.", path), nil, false
		}
		if uuid != "" {
			if ei, dup := st.eventByUUID[strings.ToLower(uuid)]; dup {
				resp := errorResponse(http.StatusNotFound, "Event already exists, if you would like to edit it, use the url in the location header.", path)
				resp.headers = append(resp.headers, [2]string{"Location", "/events/" + strconv.FormatInt(st.events[ei].id, 10)})
				return resp, nil, false
			}
			if !uuidRE.MatchString(uuid) {
				return saveFail("add", "Events", 0, map[string]any{"uuid": []string{"Please provide a valid RFC 4122 UUID"}}), nil, false
			}
		}
		attrsIn, _ := in["Attribute"].([]any)
		objectsIn, _ := in["Object"].([]any)
		publish, _ := inputBool(in, "published")
		if publish && len(attrsIn) == 0 && len(objectsIn) == 0 {
			return saveFail("add", "Events", 0, map[string]string{"Event": "Received a published event that was empty. Event add process blocked."}), nil, false
		}
		info, _ := inputString(in, "info")
		if strings.TrimSpace(info) == "" {
			return saveFail("add", "Events", 0, map[string]any{"info": []string{"Info cannot be empty."}}), nil, false
		}
		ev := Event{UUID: strings.ToLower(uuid), Info: info, Tags: inputTags(in["Tag"]), Timestamp: now, OrgID: u.OrgID}
		if ts, ok := inputInt(in, "timestamp"); ok && ts != 0 {
			ev.Timestamp = ts
		}
		ev.distribution, _ = inputString(in, "distribution")
		ev.sharingGroup, _ = inputInt(in, "sharing_group_id")
		ei := int32(len(st.events))
		// Attributes are validated against the event once it exists, so
		// that a rejected one can be reported without storing anything.
		var attrs []Attribute
		errs := map[string]any{}
		take := func(m map[string]any, objectID int64, k string) {
			a := attrFromInput(m, now)
			a.ObjectID = objectID
			if objectID == 0 {
				a.ObjectRelation = ""
			}
			if e := st.validateNew(&a, attrs); e != nil {
				errs[k] = e
				return
			}
			attrs = append(attrs, a)
		}
		for k, x := range attrsIn {
			m, _ := x.(map[string]any)
			take(m, 0, "Attribute."+strconv.Itoa(k))
		}
		nextObject := st.maxObjectID
		for k, x := range objectsIn {
			o, _ := x.(map[string]any)
			list, _ := o["Attribute"].([]any)
			nextObject++
			for j, y := range list {
				m, _ := y.(map[string]any)
				take(m, nextObject, "Object."+strconv.Itoa(k)+".Attribute."+strconv.Itoa(j))
			}
		}
		ev.Attributes = attrs
		if _, err := st.addEvent(ev, now); err != nil {
			return saveFail("add", "Events", 0, map[string]string{"Event": err.Error()}), nil, false
		}
		e := st.events[ei]
		e.ts = ev.Timestamp
		e.date = time.Unix(now, 0).UTC().Format(time.DateOnly)
		if v, ok := inputString(in, "date"); ok && v != "" {
			e.date = v
		}
		if v, ok := inputString(in, "threat_level_id"); ok && v != "" {
			e.threatLevel = v
		}
		if v, ok := inputString(in, "analysis"); ok && v != "" {
			e.analysis = v
		}
		if publish {
			e.published, e.publishTS = true, now
		}
		var changed []int
		for i := len(st.attrs) - len(attrs); i < len(st.attrs); i++ {
			changed = append(changed, i)
		}
		b := st.eventJSON(ei, nil)
		if len(errs) > 0 {
			b = append(b[:len(b)-1], `,"errors":{"Attribute":`...)
			b = append(append(b, marshal(errs)...), "}}"...)
		}
		return bytesResponse(http.StatusOK, jsonType, b), changed, true
	})
}

// validateNew checks an attribute of an event being created: the rules of
// validateAttr except uniqueness, which MISP skips for new events.
func (s *store) validateNew(a *Attribute, _ []Attribute) map[string][]string {
	del := a.Deleted
	a.Deleted = true // skips the similar-attribute rule
	errs := s.validateAttr(a, -1, -1)
	a.Deleted = del
	return errs
}

// editEventAPI answers POST /events/edit/{id} as MISP's Event::_edit:
// the event timestamp becomes the request's (which must be newer) or now,
// published is what the request says (absent: unpublished), and a
// meaningful change with published set publishes again.
func (s *Server) editEventAPI(ref string, body []byte, path string) response {
	in, ok := decodeObject(body, "Event")
	if !ok {
		return errorResponse(http.StatusMethodNotAllowed, invalidJSON, path)
	}
	return s.write(func(st *store, now int64) (response, []int, bool) {
		ei, found := st.eventIndex(ref)
		if !found {
			return errorResponse(http.StatusNotFound, "Invalid event", path), nil, false
		}
		e := st.events[ei]
		ts := now
		if v, ok := inputInt(in, "timestamp"); ok {
			if v <= e.ts {
				return saveFail("edit", "Events", e.id, "Event could not be saved: Event in the request not newer than the local copy."), nil, false
			}
			ts = v
		}
		changed := false
		reencode := false
		for _, f := range []struct {
			key string
			dst *string
		}{{"info", &e.info}, {"distribution", &e.distribution}, {"date", &e.date}, {"threat_level_id", &e.threatLevel}, {"analysis", &e.analysis}} {
			v, ok := inputString(in, f.key)
			if !ok || v == *f.dst || f.key == "distribution" && v == "3" && *f.dst == "" {
				continue
			}
			changed = true
			reencode = reencode || f.key == "info" || f.key == "distribution"
			*f.dst = v
		}
		if v, ok := inputInt(in, "sharing_group_id"); ok && v != e.sharingGroup {
			changed = true
			e.sharingGroup = v
		}
		var touched []int
		if list, ok := in["Attribute"].([]any); ok {
			for _, x := range list {
				m, _ := x.(map[string]any)
				if i, did := st.editEventAttr(ei, m, now); did {
					touched = append(touched, i)
					changed = true
				}
			}
		}
		for _, name := range inputTags(in["Tag"]) {
			t := st.tag(name, "")
			if !containsInt32(e.tags, t) {
				e.tags = append(e.tags, t)
				changed = true
			}
		}
		e.tagJSON = st.encodeEventTags(e.tags)
		if reencode {
			touched = append(touched, st.reencodeEvent(ei)...)
		}
		publish, _ := inputBool(in, "published")
		e.ts, e.published = ts, publish
		if changed && publish {
			e.publishTS = now
		}
		return bytesResponse(http.StatusOK, jsonType, st.eventJSON(ei, nil)), touched, true
	})
}

// editEventAttr applies one "Attribute" entry of an event edit as MISP's
// editAttribute: an attribute of this event with the same uuid is updated
// when the entry has no timestamp or a newer one; an entry without a known
// uuid is added. It returns the attribute's index and whether it changed.
func (s *store) editEventAttr(ei int32, m map[string]any, now int64) (int, bool) {
	if u, ok := inputString(m, "uuid"); ok && u != "" {
		if i := s.attrIndex(u); i >= 0 {
			if s.attrs[i].event != ei {
				return 0, false // MISP drops an attribute whose uuid is in another event
			}
			a := s.attrData(i)
			if v, ok := inputInt(m, "timestamp"); ok {
				if v <= a.Timestamp {
					return 0, false
				}
				a.Timestamp = v
			} else {
				a.Timestamp = now
			}
			applyAttrFields(&a, m)
			if s.validateAttr(&a, ei, i) != nil {
				return 0, false
			}
			tags := s.tagSets[s.attrs[i].tagSet]
			for _, t := range inputTags(m["Tag"]) {
				tags = appendUnique(append([]int32(nil), tags...), s.tag(t, ""))
			}
			s.rewriteAttr(i, &a, tags)
			return i, true
		}
	}
	a := attrFromInput(m, now)
	a.ObjectID, a.ObjectRelation = 0, ""
	if s.validateAttr(&a, ei, -1) != nil {
		return 0, false
	}
	return s.insertAttr(&a, ei), true
}

// reencodeEvent rebuilds the "Event" object embedded in every attribute of
// event ei after its info or distribution changed, and returns the indices
// of the attributes rewritten.
func (s *store) reencodeEvent(ei int32) []int {
	e := s.events[ei]
	e.json = s.encodeEvent(nil, e, e.distribution)
	var out []int
	for _, k := range s.eventAttrs(ei) {
		if i := int(k); s.attrs[i].flags&flagPurged == 0 {
			a := s.attrData(i)
			s.rewriteAttr(i, &a, s.tagSets[s.attrs[i].tagSet])
			out = append(out, i)
		}
	}
	return out
}

// publishAPI answers POST /events/publish/{id}: published set,
// publish_timestamp now, the event timestamp kept (Event::publish).
func (s *Server) publishAPI(ref, path string) response {
	return s.write(func(st *store, now int64) (response, []int, bool) {
		ei, found := st.eventIndex(ref)
		if ref == "" || !found {
			return errorResponse(http.StatusNotFound, "Invalid event.", path), nil, false
		}
		e := st.events[ei]
		e.published, e.publishTS = true, now
		return saveSuccess("publish", "Events", e.id, "Event published without alerts"), nil, true
	})
}

// unpublishAPI answers POST /events/unpublish/{id}: only published
// changes (EventsController::unpublish saves no timestamp).
func (s *Server) unpublishAPI(ref, path string) response {
	return s.write(func(st *store, now int64) (response, []int, bool) {
		ei, found := st.eventIndex(ref)
		if !found {
			return errorResponse(http.StatusNotFound, "Invalid event", path), nil, false
		}
		e := st.events[ei]
		e.published = false
		return saveSuccess("unpublish", "Events", e.id, "Event unpublished."), nil, true
	})
}

// deleteEventAPI answers POST /events/delete/{id} as
// EventsController::delete: the event, found by id or uuid, goes with its
// attributes (Event::quickDelete removes the rows, no soft delete) and its
// uuid joins the event blocklist. Without an id in the path the body's
// "id" (or "Event": {"id"}) names one event or a list. The answer is
// saveSuccessResponse with the path's id, or saveFailResponse (403) when
// nothing was deleted.
func (s *Server) deleteEventAPI(ref string, body []byte, path string) response {
	refs := []string{ref}
	if ref == "" {
		if in, ok := decodeObject(body, "Event"); ok {
			switch v := in["id"].(type) {
			case nil:
			case []any:
				refs = refs[:0]
				for _, x := range v {
					refs = append(refs, phpString(x))
				}
			default:
				one := phpString(v)
				if _, err := strconv.ParseInt(one, 10, 64); err == nil || uuidRE.MatchString(one) {
					refs = []string{one}
				} else if list, ok := decodeBody([]byte(one)); !ok {
					return errorResponse(http.StatusMethodNotAllowed, invalidJSON, path)
				} else if l, isList := list.([]any); isList {
					refs = refs[:0]
					for _, x := range l {
						refs = append(refs, phpString(x))
					}
				} else {
					refs = []string{phpString(list)}
				}
			}
		}
		if len(refs) == 0 {
			return errorResponse(http.StatusNotFound, "Invalid input.", path)
		}
	}
	return s.write(func(st *store, now int64) (response, []int, bool) {
		var purged []int
		done := 0
		for _, r := range refs {
			ei, found := st.eventIndex(r)
			if !found {
				continue
			}
			purged = append(purged, st.deleteEvent(ei)...)
			done++
		}
		msg := "Event deleted."
		switch {
		case len(refs) == 1 && done == 0:
			msg = "Event was not deleted."
		case len(refs) > 1:
			msg = ""
			if done == 1 {
				msg = "1 event deleted."
			} else if done > 1 {
				msg = strconv.Itoa(done) + " events deleted."
			}
			if fails := len(refs) - done; fails > 0 {
				msg += strconv.Itoa(fails) + " event(s) could not be deleted due to insufficient privileges or the event not being found."
			}
		}
		if done == 0 {
			return saveFail("delete", "Events", 0, msg), nil, false
		}
		url := "/events/delete"
		type body struct {
			Saved   bool   `json:"saved"`
			Success bool   `json:"success"`
			Name    string `json:"name"`
			Message string `json:"message"`
			URL     string `json:"url"`
			ID      string `json:"id,omitempty"`
		}
		if ref != "" {
			url += "/" + ref
		}
		return jsonResponse(http.StatusOK, body{true, true, msg, msg, url, ref}), purged, true
	})
}

// deleteEvent removes event ei: its attributes are purged, it leaves the
// id and uuid look-ups and its uuid is blocklisted. It returns the indices
// of the attributes purged.
func (s *store) deleteEvent(ei int32) []int {
	e := s.events[ei]
	var purged []int
	for _, k := range s.eventAttrs(ei) {
		if i := int(k); s.attrs[i].flags&flagPurged == 0 {
			s.attrs[i].flags |= flagPurged
			purged = append(purged, i)
		}
	}
	delete(s.eventByID, e.id)
	delete(s.eventByUUID, strings.ToLower(e.uuid))
	s.blockedUUIDs[strings.ToLower(e.uuid)] = true
	e.gone = true
	s.goneEvents++
	return purged
}
