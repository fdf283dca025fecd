package mispsim

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// searchQuery is a restSearch body compiled against the store.
type searchQuery struct {
	none bool // a condition matches nothing (unknown positive tag, org, ...)

	typeOK []bool // by type index; nil: any type
	catOK  []bool // by category index; nil: any category

	valueOr, valueNot, valueAnd []string // value filters (value1 or value2)

	evOK []bool // by event index: event-level conditions; nil: all pass

	tagPos    []bool // by tag index; nil: no positive tag filter
	evTagPos  []bool
	tagNeg    []bool // nil: no negative tag filter
	evTagNeg  []bool
	tagAnd    [][]bool // each: tags of which one must be on the attribute or event
	evTagAnd  [][]bool
	uuidAttrs map[string]bool // attribute uuids (lower case); nil: no uuid filter
	uuidEvOK  []bool          // events selected by the uuid filter
	uuidNot   map[string]bool

	tsFrom, tsTo int64   // Attribute.timestamp
	toIDs        []int64 // allowed to_ids values; nil: any
	delOK        [2]bool // allowed Attribute.deleted values
	objOK        bool    // attributes in (never deleted) objects pass the deleted filter
	eventTags    bool    // includeEventTags
	timeKey      string  // the resolved event time filters, for the match cache
	viewer       int64   // the organisation whose view evOK holds, for the match cache
	// attrSeen reports whether the viewer sees an attribute with
	// distribution 0 or 4; nil: every one.
	attrSeen func(*attrRec) bool

	limit, page int
	order       []orderKey // nil: no order (none asked, or MISP ignores it)
	enforceWL   bool
}

// validReturnFormats are the returnFormat values served (as JSON).
var validReturnFormats = map[string]bool{"": true, "json": true, "download": true}

// compileSearch reads the filters of a restSearch body. The caller holds the
// read lock.
func (s *store) compileSearch(p map[string]any, now time.Time) *searchQuery {
	q := &searchQuery{tsFrom: math.MinInt64, tsTo: math.MaxInt64}
	get := func(k string) (any, bool) {
		v, ok := p[k]
		if !ok || v == nil {
			return nil, false
		}
		if b, isBool := v.(bool); isBool && !b {
			return nil, false // MISP skips every filter whose value is false
		}
		return harvest(v), true
	}

	if v, ok := get("type"); ok && !phpEmpty(v) {
		q.compileTypes(s, convertFilters(v))
	}
	if v, ok := get("category"); ok && !phpEmpty(v) {
		q.catOK = matchNames(s.catNames, convertFilters(v))
	}
	if v, ok := get("value"); ok && !phpEmpty(v) {
		f := convertFilters(v)
		for _, x := range f.or {
			q.valueOr = append(q.valueOr, phpString(x))
		}
		for _, x := range f.not {
			q.valueNot = append(q.valueNot, phpString(x))
		}
		for _, x := range f.and {
			q.valueAnd = append(q.valueAnd, phpString(x))
		}
	}
	if v, ok := p["tags"]; ok && !phpEmpty(v) {
		q.compileTags(s, dissectTags(harvest(v)))
	}
	for _, k := range []string{"timestamp", "attribute_timestamp"} {
		if v, ok := get(k); ok {
			q.compileTimestamp(v, now)
		}
	}
	if v, ok := get("to_ids"); ok {
		if sv, isStr := v.(string); isStr && sv == "exclude" {
			v = json.Number("0")
		}
		q.toIDs = sqlIntList(v)
	}
	q.compileDeleted(p)
	q.eventTags = !phpEmpty(p["includeEventTags"])
	evOK := make([]bool, len(s.events))
	for i := range evOK {
		evOK[i] = true
	}
	evFiltered := false
	if v, ok := get("published"); ok {
		if list, isList := v.([]any); !(isList && len(list) == 2 && list[0] == true && list[1] == false) {
			allowed := sqlIntList(v)
			evFiltered = true
			for i, e := range s.events {
				pub := int64(0)
				if e.published {
					pub = 1
				}
				if !containsInt(allowed, pub) {
					evOK[i] = false
				}
			}
		}
	}
	if v, ok := get("org"); ok && !phpEmpty(v) {
		evFiltered = true
		q.compileOrg(s, convertFilters(v), evOK)
	}
	if v, ok := get("eventid"); ok && !phpEmpty(v) && phpString(v) != "all" {
		evFiltered = true
		q.compileEventID(s, convertFilters(v), evOK)
	}
	if v, ok := get("uuid"); ok && !phpEmpty(v) {
		q.compileUUID(s, convertFilters(v))
	}
	if q.compileEventTimes(s, get, now, evOK) {
		evFiltered = true
	}
	if evFiltered {
		q.evOK = evOK
	}
	if v, ok := get("limit"); ok {
		if n, isNum := numeric(phpString(v)); isNum && n > 0 {
			q.limit = int(n)
			q.page = 1
			if pv, ok := get("page"); ok {
				if pn, isNum := numeric(phpString(pv)); isNum && pn >= 1 {
					q.page = int(pn)
				}
			}
		}
	}
	if v, ok := get("order"); ok && !phpEmpty(v) {
		q.order = compileOrder(v)
	}
	if v, ok := get("enforceWarninglist"); ok && !phpEmpty(v) {
		q.enforceWL = true
	}
	return q
}

func sqlIntList(v any) []int64 {
	if list, ok := v.([]any); ok {
		out := make([]int64, 0, len(list))
		for _, x := range list {
			out = append(out, sqlInt(x))
		}
		return out
	}
	return []int64{sqlInt(v)}
}

func containsInt(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// compileTypes: exact names (case-insensitive, as MySQL compares) or LIKE
// patterns when a value starts or ends with %; asking for email-src or
// email-dst also asks for email.
func (q *searchQuery) compileTypes(s *store, f filterList) {
	addEmail := func(list []any) []any {
		has := func(t string) bool {
			for _, x := range list {
				if phpString(x) == t {
					return true
				}
			}
			return false
		}
		if (has("email-src") || has("email-dst")) && !has("email") {
			list = append(list, "email")
		}
		return list
	}
	f.or, f.not = addEmail(f.or), addEmail(f.not)
	q.typeOK = matchNames(s.typeNames, f)
}

// sqlMatch compares a column value with a filter value as MISP's generic
// filter does: LIKE when the filter starts or ends with %, else equality,
// both case-insensitive.
func sqlMatch(filter, value string) bool {
	if filter != "" && (filter[0] == '%' || filter[len(filter)-1] == '%') {
		return likeMatch(filter, value)
	}
	return strings.EqualFold(filter, value)
}

// matchNames evaluates a filter over a list of names (types, categories).
func matchNames(names []string, f filterList) []bool {
	match := func(list []any, name string) bool {
		for _, x := range list {
			if sqlMatch(phpString(x), name) {
				return true
			}
		}
		return false
	}
	ok := make([]bool, len(names))
	for i, name := range names {
		v := len(f.or) == 0 || match(f.or, name)
		if v && len(f.not) > 0 && match(f.not, name) {
			v = false
		}
		for _, x := range f.and {
			if v && !match([]any{x}, name) {
				v = false
			}
		}
		ok[i] = v
	}
	return ok
}

// valueMatch checks the value filters against value1 and value2 (the
// halves of a composite value).
func (q *searchQuery) valueMatch(typ, value string) bool {
	v1, v2 := value, ""
	if strings.Contains(typ, "|") || typ == "malware-sample" {
		if a, b, ok := strings.Cut(value, "|"); ok {
			v1, v2 = a, b
		}
	}
	either := func(f string) bool { return sqlMatch(f, v1) || sqlMatch(f, v2) }
	if len(q.valueOr) > 0 {
		found := false
		for _, f := range q.valueOr {
			if either(f) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, f := range q.valueNot {
		if either(f) {
			return false
		}
	}
	for _, f := range q.valueAnd {
		if !either(f) {
			return false
		}
	}
	return true
}

// compileTimestamp narrows the attribute timestamp range.
func (q *searchQuery) compileTimestamp(v any, now time.Time) {
	from, to, ok := timeRange(v, now)
	if !ok {
		q.none = true
		return
	}
	q.tsFrom, q.tsTo = max(q.tsFrom, from), min(q.tsTo, to)
}

// match reports whether attribute a passes every filter except the
// warninglists.
func (q *searchQuery) match(s *store, a *attrRec) bool {
	if q.typeOK != nil && !q.typeOK[a.typ] {
		return false
	}
	if q.catOK != nil && !q.catOK[a.cat] {
		return false
	}
	if a.ts < q.tsFrom || a.ts > q.tsTo {
		return false
	}
	if q.toIDs != nil && !containsInt(q.toIDs, int64(a.flags&flagToIDS)) {
		return false
	}
	if !q.delOK[a.flags&flagDeleted>>1] || a.flags&flagPurged != 0 || !q.objOK && a.flags&flagInObject != 0 {
		return false
	}
	ev := a.event
	if q.evOK != nil && !q.evOK[ev] {
		return false
	}
	if a.flags&(flagOrgOnly|flagShared) != 0 && q.attrSeen != nil && !q.attrSeen(a) {
		return false
	}
	tags := s.tagSets[a.tagSet]
	if q.tagPos != nil && !q.evTagPos[ev] && !anyTag(tags, q.tagPos) {
		return false
	}
	if q.tagNeg != nil && (q.evTagNeg[ev] || anyTag(tags, q.tagNeg)) {
		return false
	}
	for i, set := range q.tagAnd {
		if !q.evTagAnd[i][ev] && !anyTag(tags, set) {
			return false
		}
	}
	if q.uuidAttrs != nil && !q.uuidEvOK[ev] && !q.uuidAttrs[strings.ToLower(attrUUID(s.arena.chunks, a))] {
		return false
	}
	if q.uuidNot != nil && (q.uuidNot[strings.ToLower(attrUUID(s.arena.chunks, a))] || q.uuidNot[strings.ToLower(s.events[ev].uuid)]) {
		return false
	}
	if (q.valueOr != nil || q.valueNot != nil || q.valueAnd != nil) && !q.valueMatch(s.typeNames[a.typ], a.value) {
		return false
	}
	return true
}
