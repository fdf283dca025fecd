package mispsim

import (
	"regexp"
	"strconv"
	"strings"
)

// orgIndex resolves an org filter value: a numeric id, or an Orgc name or
// uuid. It returns -1 when no organisation matches.
func (s *store) orgIndex(x any) int32 {
	v := strings.TrimSpace(phpString(x))
	if _, isNum := numeric(v); isNum {
		id, _ := strconv.ParseInt(v, 10, 64)
		for i, o := range s.orgs {
			if o.id == id {
				return int32(i)
			}
		}
		return -1
	}
	for i, o := range s.orgs {
		if strings.EqualFold(o.name, v) || strings.EqualFold(o.uuid, v) {
			return int32(i)
		}
	}
	return -1
}

func (q *searchQuery) compileOrg(s *store, f filterList, evOK []bool) {
	var or, not []int32
	for _, x := range f.or {
		or = append(or, s.orgIndex(x))
	}
	for _, x := range f.not {
		if i := s.orgIndex(x); i >= 0 {
			not = append(not, i)
		}
	}
	for i, e := range s.events {
		if len(or) > 0 && !containsInt32(or, e.orgc) {
			evOK[i] = false
		}
		if containsInt32(not, e.orgc) {
			evOK[i] = false
		}
	}
}

func containsInt32(list []int32, v int32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (s *store) eventMatches(e *eventRec, x any) bool {
	v := strings.TrimSpace(phpString(x))
	if uuidRE.MatchString(v) {
		return strings.EqualFold(e.uuid, v)
	}
	return strconv.FormatInt(e.id, 10) == v || sqlInt(x) == e.id && v != ""
}

func (q *searchQuery) compileEventID(s *store, f filterList, evOK []bool) {
	for i, e := range s.events {
		if len(f.or) > 0 {
			found := false
			for _, x := range f.or {
				if s.eventMatches(e, x) {
					found = true
					break
				}
			}
			if !found {
				evOK[i] = false
			}
		}
		for _, x := range f.not {
			if s.eventMatches(e, x) {
				evOK[i] = false
			}
		}
		if len(f.and) > 0 && !s.eventInEach(e, f.and) {
			evOK[i] = false
		}
	}
}

// eventInEach reports whether e is among the uuids listed and among the
// ids listed, as MISP's set_filter_eventid reads an AND list: two IN
// conditions, one for the uuids and one for the ids, each applying only
// when the list holds some.
func (s *store) eventInEach(e *eventRec, list []any) bool {
	var byUUID, byID, uuids, ids bool
	for _, x := range list {
		isUUID := uuidRE.MatchString(strings.TrimSpace(phpString(x)))
		hit := s.eventMatches(e, x)
		if isUUID {
			uuids, byUUID = true, byUUID || hit
		} else {
			ids, byID = true, byID || hit
		}
	}
	return (!uuids || byUUID) && (!ids || byID)
}

// compileUUID: an attribute matches when its uuid is listed or when it
// belongs to a listed event.
func (q *searchQuery) compileUUID(s *store, f filterList) {
	if len(f.or) > 0 {
		q.uuidAttrs = map[string]bool{}
		q.uuidEvOK = make([]bool, len(s.events))
		for _, x := range f.or {
			u := strings.ToLower(strings.TrimSpace(phpString(x)))
			q.uuidAttrs[u] = true
			if i, ok := s.eventByUUID[u]; ok {
				q.uuidEvOK[i] = true
			}
		}
	}
	if len(f.not) > 0 {
		q.uuidNot = map[string]bool{}
		for _, x := range f.not {
			q.uuidNot[strings.ToLower(strings.TrimSpace(phpString(x)))] = true
		}
	}
}
