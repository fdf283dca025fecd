package mispsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// indexFilters are the filters /events/index takes from a JSON body, as
// MISP's EventsController::index lists them (each may also be sent with a
// "search" prefix).
var indexFilters = map[string]bool{"all": true, "attribute": true, "published": true, "eventid": true, "datefrom": true,
	"dateuntil": true, "org": true, "eventinfo": true, "tag": true, "tags": true, "distribution": true, "sharinggroup": true,
	"analysis": true, "threatlevel": true, "email": true, "hasproposal": true, "timestamp": true, "publishtimestamp": true,
	"publish_timestamp": true, "minimal": true, "value": true}

// eventsIndex answers /events/index (GET or POST): every event passing
// the published, eventid, timestamp and publish_timestamp filters, all
// combined with AND, as EventsController::__setIndexFilterConditions
// builds them, in id order. With minimal, each event is {id, timestamp,
// sighting_timestamp, published, uuid, orgc_uuid}; otherwise the event's
// own fields with Org, Orgc and EventTag (each with its Tag), as
// __indexRestResponse shapes them. Only events u may see are listed. limit and page page the answer;
// X-Result-Count is the number of events matched.
func (s *Server) eventsIndex(r *http.Request, body []byte, u User) response {
	params := map[string]any{}
	if strings.TrimSpace(string(body)) != "" {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err == nil {
			if m, ok := doc.(map[string]any); ok {
				params = m
			}
		}
		if inner, ok := params["request"].(map[string]any); ok {
			params = inner
		}
	}
	filters := map[string]any{}
	for k, v := range params {
		k = strings.ToLower(k)
		k = strings.TrimPrefix(k, "search")
		if indexFilters[k] {
			filters[k] = v
		}
	}
	minimal := !phpEmpty(filters["minimal"])
	now := s.opts.Now()

	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := compileEventIDs(filters["eventid"])
	var picked []int32
	for i, e := range s.st.events {
		if !e.gone && s.sees(u, e) && s.st.indexKeeps(e, filters, ids, now) {
			picked = append(picked, int32(i))
		}
	}
	total := len(picked)
	if limit := sqlInt(params["limit"]); limit > 0 {
		page := max(sqlInt(params["page"]), 1)
		from := min(int64(len(picked)), (page-1)*limit)
		picked = picked[from:min(int64(len(picked)), from+limit)]
	}
	var counts map[int32]int64
	if !minimal {
		counts = s.st.liveCounts(picked)
	}
	b := []byte{'['}
	for k, ei := range picked {
		if k > 0 {
			b = append(b, ',')
		}
		if minimal {
			b = s.st.appendMinimalEvent(b, ei)
		} else {
			b = s.st.appendIndexEvent(b, ei, counts[ei])
		}
	}
	b = append(b, ']')
	resp := bytesResponse(http.StatusOK, jsonType, b)
	resp.headers = [][2]string{{"X-Result-Count", strconv.Itoa(total)}}
	return resp
}

// indexKeeps reports whether event e passes the index filters; ids is
// the eventid filter, compiled once a request.
func (s *store) indexKeeps(e *eventRec, f map[string]any, ids eventIDs, now time.Time) bool {
	if v, ok := f["published"]; ok && !bothPublished(v) {
		keep := false
		for _, x := range asList(v) {
			if (isTrue(x) || sqlInt(x) != 0) == e.published {
				keep = true
			}
		}
		if !keep {
			return false
		}
	}
	if !ids.keeps(e) {
		return false
	}
	for _, k := range []string{"timestamp", "publish_timestamp", "publishtimestamp"} {
		v, ok := f[k]
		if !ok || phpString(v) == "" {
			continue
		}
		t := e.ts
		if k != "timestamp" {
			t = e.publishTS
		}
		if list, isList := v.([]any); isList && len(list) >= 2 {
			if t < resolveTimeDelta(list[0], now) || t > resolveTimeDelta(list[1], now) {
				return false
			}
		} else if t < resolveTimeDelta(v, now) {
			return false
		}
	}
	return true
}

// bothPublished: 2, "2" or a list holding 0 and 1 sets no published
// condition.
func bothPublished(v any) bool {
	if s := phpString(v); s == "2" {
		return true
	}
	list, ok := v.([]any)
	if !ok {
		return false
	}
	var zero, one bool
	for _, x := range list {
		switch sqlInt(x) {
		case 0:
			zero = zero || !isTrue(x)
		case 1:
			one = true
		}
		one = one || isTrue(x)
	}
	return zero && one
}

func isTrue(v any) bool { b, ok := v.(bool); return ok && b }

// eventIDs is the index's eventid filter: a list or a "|"-separated
// string of ids and uuids (36 characters), "!" negating one. MISP turns
// it into SQL conditions combined with AND: the event's uuid among the
// uuids listed, its id among the ids, and neither negated; here each
// piece is a set member, so a filter of thousands of ids costs a look-up
// an event, not a comparison with every piece.
type eventIDs struct {
	ids, uuids, refused map[string]bool // lower case
}

// compileEventIDs reads the eventid filter v (nil or "" for none).
func compileEventIDs(v any) eventIDs {
	var f eventIDs
	if v == nil || phpString(v) == "" {
		return f
	}
	pieces := asList(v)
	if s, ok := v.(string); ok {
		pieces = nil
		for _, p := range strings.Split(s, "|") {
			pieces = append(pieces, p)
		}
	}
	for _, x := range pieces {
		p := strings.TrimSpace(phpString(x))
		if p == "" {
			continue
		}
		set := &f.ids
		switch {
		case strings.HasPrefix(p, "!"):
			set, p = &f.refused, p[1:]
		case len(p) == 36:
			set = &f.uuids
		}
		if *set == nil {
			*set = map[string]bool{}
		}
		(*set)[strings.ToLower(p)] = true
	}
	return f
}

// keeps reports whether event e passes the filter: named by no negated
// piece, by one of the uuids listed when there are any, and by one of the
// ids when there are any. A piece names e when it is e's id as MISP
// writes it or e's uuid in any case.
func (f eventIDs) keeps(e *eventRec) bool {
	if f.ids == nil && f.uuids == nil && f.refused == nil {
		return true
	}
	id, uuid := strconv.FormatInt(e.id, 10), strings.ToLower(e.uuid)
	if f.refused[id] || f.refused[uuid] {
		return false
	}
	return (f.ids == nil || f.ids[id]) && (f.uuids == nil || f.uuids[uuid])
}

// liveCounts counts the live attributes of the events picked: MISP's
// attribute_count.
func (s *store) liveCounts(picked []int32) map[int32]int64 {
	out := make(map[int32]int64, len(picked))
	for _, ei := range picked {
		out[ei] = 0
	}
	for i := range s.attrs {
		a := &s.attrs[i]
		if _, ok := out[a.event]; ok && a.flags&(flagDeleted|flagPurged) == 0 {
			out[a.event]++
		}
	}
	return out
}

func (s *store) appendMinimalEvent(b []byte, ei int32) []byte {
	e := s.events[ei]
	b = append(b, `{"id":`...)
	b = appendQuotedInt(b, e.id)
	b = append(b, `,"timestamp":`...)
	b = appendQuotedInt(b, e.ts)
	b = append(b, `,"sighting_timestamp":"0","published":`...)
	b = appendBool(b, e.published)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, e.uuid)
	b = append(b, `,"orgc_uuid":`...)
	b = appendJSONString(b, s.orgs[e.orgc].uuid)
	return append(b, '}')
}

func (s *store) appendIndexEvent(b []byte, ei int32, count int64) []byte {
	e := s.events[ei]
	dist := e.distribution
	if dist == "" {
		dist = "3"
	}
	b = append(b, `{"id":`...)
	b = appendQuotedInt(b, e.id)
	b = append(b, `,"org_id":`...)
	b = appendQuotedInt(b, s.orgs[e.org].id)
	b = append(b, `,"date":`...)
	b = appendJSONString(b, e.date)
	b = append(b, `,"info":`...)
	b = appendJSONString(b, e.info)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, e.uuid)
	b = append(b, `,"published":`...)
	b = appendBool(b, e.published)
	b = append(b, `,"analysis":`...)
	b = appendJSONString(b, e.analysis)
	b = append(b, `,"attribute_count":`...)
	b = appendQuotedInt(b, count)
	b = append(b, `,"orgc_id":`...)
	b = appendQuotedInt(b, s.orgs[e.orgc].id)
	b = append(b, `,"timestamp":`...)
	b = appendQuotedInt(b, e.ts)
	b = append(b, `,"distribution":`...)
	b = appendJSONString(b, dist)
	b = append(b, `,"sharing_group_id":`...)
	b = appendQuotedInt(b, e.sharingGroup)
	b = append(b, `,"proposal_email_lock":false,"locked":false,"threat_level_id":`...)
	b = appendJSONString(b, e.threatLevel)
	b = append(b, `,"publish_timestamp":`...)
	b = appendQuotedInt(b, e.publishTS)
	b = append(b, `,"sighting_timestamp":"0","disable_correlation":false,"extends_uuid":"","protected":null,"Org":`...)
	b = s.appendOrg(b, e.org)
	b = append(b, `,"Orgc":`...)
	b = s.appendOrg(b, e.orgc)
	b = append(b, `,"EventTag":[`...)
	for k, t := range e.tags {
		if k > 0 {
			b = append(b, ',')
		}
		tr := &s.tags[t]
		b = append(b, `{"id":"0","event_id":`...)
		b = appendQuotedInt(b, e.id)
		b = append(b, `,"tag_id":`...)
		b = appendQuotedInt(b, tr.id)
		b = append(b, `,"local":`...)
		b = appendBool(b, containsInt32(e.local, t))
		b = append(b, `,"relationship_type":null,"Tag":{"id":`...)
		b = appendQuotedInt(b, tr.id)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, tr.name)
		b = append(b, `,"colour":`...)
		b = appendJSONString(b, tr.colour)
		b = append(b, `,"is_galaxy":`...)
		b = appendBool(b, tr.isGalaxy)
		b = append(b, "}}"...)
	}
	return append(b, "]}"...)
}
