package mispsim

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// storedAttr is an attribute's encoded JSON read back.
type storedAttr struct {
	ID                 int64   `json:"id,string"`
	ObjectID           int64   `json:"object_id,string"`
	ObjectRelation     *string `json:"object_relation"`
	Category           string  `json:"category"`
	Type               string  `json:"type"`
	ToIDS              bool    `json:"to_ids"`
	UUID               string  `json:"uuid"`
	Timestamp          int64   `json:"timestamp,string"`
	Distribution       string  `json:"distribution"`
	SharingGroupID     int64   `json:"sharing_group_id,string"`
	Comment            string  `json:"comment"`
	Deleted            bool    `json:"deleted"`
	DisableCorrelation bool    `json:"disable_correlation"`
	FirstSeen          *string `json:"first_seen"`
	LastSeen           *string `json:"last_seen"`
	Value              string  `json:"value"`
}

// attrData reads attribute i back from its encoded JSON (tags aside).
func (s *store) attrData(i int) Attribute {
	r := &s.attrs[i]
	var d storedAttr
	if err := json.Unmarshal(s.arena.chunks[r.chunk][r.off:r.off+r.n], &d); err != nil {
		panic(fmt.Sprintf("mispsim: stored attribute %d does not decode: %v", r.id, err)) // the store wrote it
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return Attribute{
		ID: d.ID, UUID: d.UUID, Type: d.Type, Category: d.Category, Value: d.Value,
		ToIDS: d.ToIDS, Deleted: d.Deleted, Timestamp: d.Timestamp, Comment: d.Comment,
		ObjectID: d.ObjectID, ObjectRelation: str(d.ObjectRelation),
		FirstSeen: str(d.FirstSeen), LastSeen: str(d.LastSeen), DisableCorrelation: d.DisableCorrelation,
		distribution: d.Distribution, sharingGroup: d.SharingGroupID,
	}
}

// rewriteAttr stores a new version of attribute i: a fresh encoding in the
// arena and updated search fields. The old bytes stay for pages still
// being written.
func (s *store) rewriteAttr(i int, a *Attribute, tags []int32) {
	r := &s.attrs[i]
	buf := s.encodeAttr(nil, a, s.events[r.event], tags)
	if !slices.Equal(s.tagSets[r.tagSet], tags) {
		r.tagSet = s.tagSet(tags)
	}
	r.ts, r.value = a.Timestamp, a.Value
	r.typ, r.cat = s.typeID(a.Type), s.catID(a.Category)
	r.flags = attrFlags(a) | r.flags&flagPurged
	r.sg = int32(a.sharingGroup)
	r.n = uint32(len(buf))
	r.chunk, r.off = s.arena.add(buf)
}

// attrIndex finds a live attribute by id or uuid: -1 when there is none,
// -2 when ref is neither.
func (s *store) attrIndex(ref string) int {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		i, found := slices.BinarySearchFunc(s.attrs, id, func(r attrRec, id int64) int {
			switch {
			case r.id < id:
				return -1
			case r.id > id:
				return 1
			}
			return 0
		})
		if found && s.attrs[i].flags&flagPurged == 0 {
			return i
		}
		return -1
	}
	if !uuidRE.MatchString(ref) {
		return -2
	}
	for i := range s.attrs {
		if s.attrs[i].flags&flagPurged == 0 && strings.EqualFold(attrUUID(s.arena.chunks, &s.attrs[i]), ref) {
			return i
		}
	}
	return -1
}

// attrFromInput builds a new attribute from a request object with the
// defaults MISP's captureAttribute applies.
func attrFromInput(m map[string]any, now int64) Attribute {
	a := Attribute{Timestamp: now}
	a.Type, _ = inputString(m, "type")
	a.Category, _ = inputString(m, "category")
	a.Value, _ = inputString(m, "value")
	a.Value = strings.TrimSpace(a.Value)
	a.Comment, _ = inputString(m, "comment")
	a.UUID, _ = inputString(m, "uuid")
	a.UUID = strings.ToLower(a.UUID)
	a.ObjectRelation, _ = inputString(m, "object_relation")
	a.FirstSeen, _ = inputString(m, "first_seen")
	a.LastSeen, _ = inputString(m, "last_seen")
	a.distribution, _ = inputString(m, "distribution")
	a.sharingGroup, _ = inputInt(m, "sharing_group_id")
	if ts, ok := inputInt(m, "timestamp"); ok && ts != 0 {
		a.Timestamp = ts
	}
	var ok bool
	if a.ToIDS, ok = inputBool(m, "to_ids"); !ok {
		a.ToIDS = defaultToIDs(a.Type)
	}
	a.DisableCorrelation, _ = inputBool(m, "disable_correlation")
	a.Deleted, _ = inputBool(m, "deleted")
	a.Tags = inputTags(m["Tag"])
	if a.Category == "" {
		a.Category = defaultCategory(a.Type)
	}
	return a
}

// validateAttr applies MISP's attribute validation rules that matter here;
// it returns nil or the errors by field. self is the attribute's own index
// when editing, else -1; ei is its event.
func (s *store) validateAttr(a *Attribute, ei int32, self int) map[string][]string {
	errs := map[string][]string{}
	cat := slices.Index(categories, a.Category)
	if cat < 0 {
		errs["category"] = []string{"Options : Payload delivery, Antivirus detection, Payload installation, Files dropped ..."}
	}
	known := slices.IndexFunc(knownTypes, func(t typeDef) bool { return t.name == a.Type })
	typeOK := known >= 0 && cat >= 0 && knownTypes[known].cats&(1<<cat) != 0
	if known < 0 && a.Type != "" && a.Category == "Other" {
		_, typeOK = s.typeByKey[a.Type] // a type met in loaded data
	}
	if !typeOK {
		errs["type"] = []string{"Options depend on the selected category."}
	}
	switch {
	case strings.TrimSpace(a.Value) == "":
		errs["value"] = []string{"Value cannot be empty."}
	case (strings.Contains(a.Type, "|") || a.Type == "malware-sample") && strings.Count(a.Value, "|") != 1:
		errs["value"] = []string{"Composite type found but the value not in the composite (value1|value2) format."}
	case !a.Deleted && a.ObjectRelation == "" && s.similarAttr(a, ei, self):
		errs["value"] = []string{"A similar attribute already exists for this event."}
	}
	if a.UUID != "" {
		if !uuidRE.MatchString(a.UUID) {
			errs["uuid"] = []string{"Please provide a valid RFC 4122 UUID"}
		} else if self < 0 && s.attrIndex(a.UUID) >= 0 {
			errs["uuid"] = []string{"The UUID provided is not unique"}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// similarAttr is MISP's uniqueness rule: another live attribute outside
// objects in the same event with the same type, category and value.
func (s *store) similarAttr(a *Attribute, ei int32, self int) bool {
	typ, okT := s.typeByKey[a.Type]
	cat, okC := s.catByKey[a.Category]
	if !okT || !okC {
		return false
	}
	if ei < 0 {
		return false
	}
	for _, k := range s.eventAttrs(ei) {
		i := int(k)
		r := &s.attrs[i]
		if i != self && r.typ == typ && r.cat == cat && r.value == a.Value &&
			r.flags&(flagDeleted|flagPurged|flagInObject) == 0 {
			return true
		}
	}
	return false
}

// insertAttr adds a validated attribute to event ei with the next id and
// returns its index.
func (s *store) insertAttr(a *Attribute, ei int32) int {
	a.ID = s.maxAttrID + 1
	var tags []int32
	for _, t := range a.Tags {
		tags = appendUnique(tags, s.tag(t, ""))
	}
	s.appendAttr(nil, a, ei, tags)
	return len(s.attrs) - 1
}

// unpublishEvent is MISP's Event::unpublishEvent: published off, event
// timestamp now.
func (s *store) unpublishEvent(ei int32, now int64) {
	e := s.events[ei]
	e.published, e.ts = false, now
}

// addAttributesAPI answers POST /attributes/add/{event_id}.
func (s *Server) addAttributesAPI(ref string, body []byte, path string) response {
	if ref == "" {
		return errorResponse(http.StatusMethodNotAllowed, "No event ID set.", path)
	}
	doc, ok := decodeBody(body)
	if !ok {
		return errorResponse(http.StatusMethodNotAllowed, invalidJSON, path)
	}
	var inputs []map[string]any
	in := unwrapObject(doc, "Attribute")
	if list, isList := doc.([]any); isList {
		in = nil
		for _, x := range list {
			m, _ := x.(map[string]any)
			inputs = append(inputs, m)
		}
	} else if m, isMap := doc.(map[string]any); isMap {
		if list, isList := m["Attribute"].([]any); isList {
			in = nil
			for _, x := range list {
				m, _ := x.(map[string]any)
				inputs = append(inputs, m)
			}
		}
	}
	if in != nil {
		if values, isList := in["value"].([]any); isList { // one attribute per value
			for _, v := range values {
				c := maps.Clone(in)
				c["value"] = v
				inputs = append(inputs, c)
			}
		} else {
			inputs = append(inputs, in)
		}
	}
	// MISP stamps each attribute as it saves it (captureAttribute) and
	// the event after every save and correlation (unpublishEvent), each
	// with time(): on a large add the event is stamped seconds after its
	// first attributes.
	return s.write(func(st *store, _ int64) (response, []int, bool) {
		ei, found := st.eventIndex(ref)
		if !found {
			return errorResponse(http.StatusNotFound, "Invalid event", path), nil, false
		}
		fails := map[string]any{}
		var added []int
		for k, m := range inputs {
			a := attrFromInput(m, s.opts.Now().Unix())
			a.ObjectID, a.ObjectRelation = 0, ""
			if errs := st.validateAttr(&a, ei, -1); errs != nil {
				fails["attribute_"+strconv.Itoa(k)] = errs
				continue
			}
			added = append(added, st.insertAttr(&a, ei))
		}
		if len(added) == 0 {
			if len(inputs) == 1 {
				return saveFail("add", "Attributes", 0, fails["attribute_0"]), nil, false
			}
			return saveFail("add", "Attributes", 0, fails), nil, false
		}
		st.unpublishEvent(ei, s.opts.Now().Unix())
		if len(added) == 1 && len(inputs) == 1 {
			return bytesResponse(http.StatusOK, jsonType, st.addedAttrJSON(added[0])), added, true
		}
		b := []byte(`{"Attribute":[`)
		for k, i := range added {
			if k > 0 {
				b = append(b, ',')
			}
			b = st.appendPlainAttr(b, i)
		}
		b = append(b, ']')
		if len(fails) > 0 {
			b = append(b, `,"errors":`...)
			b = append(b, marshal(fails)...)
		}
		return bytesResponse(http.StatusOK, jsonType, append(b, '}')), added, true
	})
}

// editAttributeAPI answers POST /attributes/edit/{id}.
func (s *Server) editAttributeAPI(ref string, body []byte, path string) response {
	in, ok := decodeObject(body, "Attribute")
	if !ok {
		return errorResponse(http.StatusMethodNotAllowed, invalidJSON, path)
	}
	return s.write(func(st *store, now int64) (response, []int, bool) {
		i := st.attrIndex(ref)
		if i == -2 {
			return errorResponse(http.StatusNotFound, "Invalid attribute ID.", path), nil, false
		}
		if i < 0 || st.attrs[i].flags&flagDeleted != 0 {
			return errorResponse(http.StatusNotFound, "Invalid attribute", path), nil, false
		}
		a := st.attrData(i)
		if ts, ok := inputInt(in, "timestamp"); ok {
			if ts <= a.Timestamp {
				return errorResponse(http.StatusMethodNotAllowed, "Attribute could not be saved: Attribute in the request not newer than the local copy.", path), nil, false
			}
			a.Timestamp = ts
		} else {
			a.Timestamp = now
		}
		applyAttrFields(&a, in)
		ei := st.attrs[i].event
		if errs := st.validateAttr(&a, ei, i); errs != nil {
			return saveFail("edit", "Attributes", 0, errs), nil, false
		}
		tags := slices.Clone(st.tagSets[st.attrs[i].tagSet])
		for _, t := range inputTags(in["Tag"]) {
			tags = appendUnique(tags, st.tag(t, ""))
		}
		st.rewriteAttr(i, &a, tags)
		st.unpublishEvent(ei, now)
		b := append(st.appendPlainAttr([]byte(`{"Attribute":`), i), '}')
		return bytesResponse(http.StatusOK, jsonType, b), []int{i}, true
	})
}

// applyAttrFields copies the editable fields present in a request.
func applyAttrFields(a *Attribute, in map[string]any) {
	if v, ok := inputString(in, "value"); ok {
		a.Value = strings.TrimSpace(v)
	}
	for key, dst := range map[string]*string{"type": &a.Type, "category": &a.Category, "comment": &a.Comment,
		"distribution": &a.distribution, "first_seen": &a.FirstSeen, "last_seen": &a.LastSeen} {
		if v, ok := inputString(in, key); ok {
			*dst = v
		}
	}
	if v, ok := inputInt(in, "sharing_group_id"); ok {
		a.sharingGroup = v
	}
	for key, dst := range map[string]*bool{"to_ids": &a.ToIDS, "deleted": &a.Deleted, "disable_correlation": &a.DisableCorrelation} {
		if v, ok := inputBool(in, key); ok {
			*dst = v
		}
	}
}

// deleteAttributeAPI answers POST /attributes/delete/{id}: a soft delete
// (deleted set, timestamp now), or with hard a removal.
func (s *Server) deleteAttributeAPI(ref string, hard bool, body []byte, path string) response {
	if doc, ok := decodeBody(body); ok {
		if m, isMap := doc.(map[string]any); isMap {
			if v, present := m["hard"]; present {
				hard = !phpEmpty(v)
			}
		}
	}
	return s.write(func(st *store, now int64) (response, []int, bool) {
		i := st.attrIndex(ref)
		if i == -2 {
			return errorResponse(http.StatusNotFound, "Invalid attribute ID.", path), nil, false
		}
		if i < 0 || !hard && st.attrs[i].flags&flagDeleted != 0 {
			return errorResponse(http.StatusNotFound, "Invalid attribute", path), nil, false
		}
		if hard {
			st.attrs[i].flags |= flagPurged
		} else {
			a := st.attrData(i)
			a.Deleted, a.Timestamp = true, now
			st.rewriteAttr(i, &a, st.tagSets[st.attrs[i].tagSet])
		}
		st.unpublishEvent(st.attrs[i].event, now)
		return bytesResponse(http.StatusOK, jsonType, []byte(`{"message":"Attribute deleted."}`)), []int{i}, true
	})
}
