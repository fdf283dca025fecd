package mispsim

import (
	"encoding/json"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
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

	limit, page int
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
		for _, x := range f.and {
			ids := s.tagIDs([]any{x})
			if len(ids) == 0 {
				q.none = true
				return
			}
			set, ev := mark(ids)
			q.tagAnd = append(q.tagAnd, set)
			q.evTagAnd = append(q.evTagAnd, ev)
		}
	}
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
		for _, x := range f.and {
			if !s.eventMatches(e, x) {
				evOK[i] = false
			}
		}
	}
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

func anyTag(tags []int32, set []bool) bool {
	for _, t := range tags {
		if set[t] {
			return true
		}
	}
	return false
}

// searchResult is one restSearch page, ready to write. It holds copies
// of everything it writes, so that it can be written after the read lock
// is released while writes replace attributes and event tags.
type searchResult struct {
	chunks  [][]byte
	spans   []span // in output order
	evTags  [][]byte
	fetched int // rows on the page before warninglist filtering
	skipped int // rows dropped by warninglists
	size    int64
}

// span locates one attribute's encoded JSON in the arena.
type span struct {
	chunk, off, n uint32
	event         int32 // index in store.events
	tagged        bool  // the JSON ends with a "Tag" list
}

var comma = []byte{','}

const (
	searchHeader = `{"response": {"Attribute": [`
	searchFooter = "]}}\n"
)

// matchAll returns the indices of all attributes that pass q, warninglists
// aside. The caller holds the read lock.
func (s *store) matchAll(q *searchQuery) []int32 {
	var out []int32
	if q.none {
		return out
	}
	for i := range s.attrs {
		if q.match(s, &s.attrs[i]) {
			out = append(out, int32(i))
		}
	}
	return out
}

// search runs a compiled query; matched, when not nil, is the result of
// matchAll for q. As in MISP, limit and page select rows before
// warninglists drop values, so with enforceWarninglist a page can be
// shorter than the limit while later pages still hold data. The caller
// holds the read lock; hits is the warninglist bit set when q.enforceWL.
func (s *store) search(q *searchQuery, hits []uint64, matched []int32) *searchResult {
	// The chunk headers are copied: AddEvent updates the last one in place
	// while this page may still be written.
	r := &searchResult{chunks: slices.Clone(s.arena.chunks)}
	var sel []int32
	skip := 0
	if q.limit > 0 {
		skip = q.limit * (q.page - 1)
	}
	take := func(i int) bool {
		r.fetched++
		if q.enforceWL && hits[i>>6]&(1<<(i&63)) != 0 {
			r.skipped++
		} else {
			sel = append(sel, int32(i))
		}
		return q.limit > 0 && r.fetched >= q.limit
	}
	switch {
	case q.none:
	case matched != nil:
		for _, i := range matched[min(skip, len(matched)):] {
			if take(int(i)) {
				break
			}
		}
	default:
		for i := range s.attrs {
			if !q.match(s, &s.attrs[i]) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if take(i) {
				break
			}
		}
	}
	r.spans = make([]span, len(sel))
	r.size = int64(len(searchHeader) + len(searchFooter))
	if q.eventTags {
		r.evTags = make([][]byte, len(s.events))
	}
	for k, i := range sel {
		a := &s.attrs[i]
		r.spans[k] = span{chunk: a.chunk, off: a.off, n: a.n, event: a.event, tagged: a.tagSet != 0}
		r.size += int64(a.n)
		if r.evTags != nil {
			et := s.events[a.event].tagJSON
			r.evTags[a.event] = et
			r.size += extraTagBytes(et, a.tagSet != 0)
		}
	}
	if len(sel) > 1 {
		r.size += int64(len(sel) - 1)
	}
	return r
}

// extraTagBytes is how much longer an attribute gets with its event's
// tags appended.
func extraTagBytes(evTags []byte, tagged bool) int64 {
	switch {
	case len(evTags) == 0:
		return 0
	case tagged:
		return int64(len(evTags)) + 1 // ',' before them
	}
	return int64(len(evTags)) + int64(len(`,"Tag":[`)) + 1 // one '}' moves after ']'
}

// writeTo writes the page. Attributes that lie next to each other in the
// arena go out in one write, commas included, unless event tags are added.
func (r *searchResult) writeTo(w io.Writer) error {
	if _, err := io.WriteString(w, searchHeader); err != nil {
		return err
	}
	sp := r.spans
	for k := 0; k < len(sp); {
		first := &sp[k]
		if k > 0 {
			if _, err := w.Write(comma); err != nil {
				return err
			}
		}
		b := r.chunks[first.chunk][first.off : first.off+first.n]
		if r.evTags != nil && len(r.evTags[first.event]) > 0 {
			if err := writeWithEventTags(w, b, r.evTags[first.event], first.tagged); err != nil {
				return err
			}
			k++
			continue
		}
		end := first.off + first.n
		j := k + 1
		for ; j < len(sp) && r.evTags == nil; j++ {
			next := &sp[j]
			if next.chunk != first.chunk || next.off != end+1 {
				break
			}
			end = next.off + next.n
		}
		if _, err := w.Write(r.chunks[first.chunk][first.off:end]); err != nil {
			return err
		}
		k = j
	}
	_, err := io.WriteString(w, searchFooter)
	return err
}

// writeWithEventTags writes an attribute with its event's tags appended to
// its "Tag" list, as MISP's JSON export does with includeEventTags.
func writeWithEventTags(w io.Writer, attr, evTags []byte, tagged bool) error {
	var err error
	if tagged {
		_, err = w.Write(attr[:len(attr)-2]) // without "]}"
		if err == nil {
			_, err = w.Write(comma)
		}
	} else {
		_, err = w.Write(attr[:len(attr)-1]) // without "}"
		if err == nil {
			_, err = io.WriteString(w, `,"Tag":[`)
		}
	}
	if err == nil {
		_, err = w.Write(evTags)
	}
	if err == nil {
		_, err = io.WriteString(w, "]}")
	}
	return err
}
