package mispsim

import (
	"cmp"
	"slices"
	"strings"
)

// orderKey is one rule of a restSearch "order": a column and a direction.
type orderKey struct {
	field string // an Attribute field of orderFields, or "publish_timestamp" (Event's)
	desc  bool
}

// orderFields are the Attribute columns MISP's restSearch accepts in
// "order"; Event accepts publish_timestamp alone.
var orderFields = []string{"id", "event_id", "object_id", "type", "category", "value", "distribution", "timestamp", "object_relation"}

// compileOrder reads "order" as MISP's findOrder does
// (app/Model/AppModel.php; app/Model/MispAttribute.php restSearch,
// fetchAttributes): a string of comma-separated rules or a list of them,
// each "[Model.]field [asc|desc]". A rule without a model is Attribute's;
// the model is compared with case, the field without. A rule it does not
// accept (another model or field, a non-string, an empty rule) drops the
// whole order, with no error: the search is then unordered. nil means
// no order.
func compileOrder(v any) []orderKey {
	var rules []any
	switch x := v.(type) {
	case string:
		for _, r := range strings.Split(x, ",") {
			rules = append(rules, r)
		}
	case []any:
		rules = x
	}
	var out []orderKey
	for _, r := range rules {
		s, ok := r.(string)
		if !ok {
			return nil
		}
		k, ok := orderRule(s)
		if !ok {
			return nil
		}
		out = append(out, k)
	}
	return out
}

// orderRule reads one findOrder rule.
func orderRule(rule string) (orderKey, bool) {
	items := strings.Split(strings.TrimSpace(rule), " ")
	var k orderKey
	if len(items) == 2 {
		k.desc = strings.EqualFold(items[1], "desc")
	}
	model, field := "Attribute", items[0]
	if m, f, ok := strings.Cut(items[0], "."); ok {
		if strings.Contains(f, ".") {
			return k, false
		}
		model, field = m, f
	}
	k.field = strings.ToLower(field)
	switch model {
	case "Attribute":
		return k, slices.Contains(orderFields, k.field)
	case "Event":
		return k, k.field == "publish_timestamp"
	}
	return k, false
}

// sortedMatches returns matchAll for q, sorted as q.order says. The
// caller holds the read lock.
func (s *store) sortedMatches(q *searchQuery) []int32 {
	m := s.matchAll(q)
	if q.order != nil {
		s.sortMatches(m, q.order)
	}
	return m
}

// sortMatches sorts matched (attribute indices) by the rules of order.
// Columns the store does not hold (object_id, object_relation,
// distribution) compare equal, and equal rows keep the order given. The
// caller holds the read lock.
func (s *store) sortMatches(matched []int32, order []orderKey) {
	slices.SortStableFunc(matched, func(i, j int32) int {
		a, b := &s.attrs[i], &s.attrs[j]
		for _, k := range order {
			c := s.compareOn(k.field, a, b)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// compareOn compares two attributes on one order column.
func (s *store) compareOn(field string, a, b *attrRec) int {
	switch field {
	case "id":
		return cmp.Compare(a.id, b.id)
	case "event_id":
		return cmp.Compare(s.events[a.event].id, s.events[b.event].id)
	case "type":
		return compareFolded(s.typeNames[a.typ], s.typeNames[b.typ])
	case "category":
		return strings.Compare(s.catNames[a.cat], s.catNames[b.cat])
	case "value":
		return compareFolded(a.value, b.value)
	case "timestamp":
		return cmp.Compare(a.ts, b.ts)
	case "publish_timestamp":
		return cmp.Compare(s.events[a.event].publishTS, s.events[b.event].publishTS)
	}
	return 0
}

// compareFolded compares without case, as the utf8mb3_unicode_ci columns
// type and value1 sort (roughly).
func compareFolded(a, b string) int {
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// unorderedPlan returns the rows of a paged search without an order as
// Options.UnorderedPlans has MySQL read them for page: odd pages through
// the index on type (type, then id), even pages in id order. matched is
// not modified. The caller holds the read lock.
func (s *store) unorderedPlan(matched []int32, page int) []int32 {
	if page%2 == 0 {
		return matched
	}
	out := slices.Clone(matched)
	s.sortMatches(out, []orderKey{{field: "type"}, {field: "id"}})
	return out
}
