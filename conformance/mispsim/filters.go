package mispsim

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// timeRange reads a timestamp filter as MISP's setTimestampConditions
// does: a [from, to] pair (swapped when reversed; a from of 0 sets no lower
// bound) or a single lower bound (none when it resolves to 0). ok is false
// for a list that is not a pair, which MISP rejects.
func timeRange(v any, now time.Time) (from, to int64, ok bool) {
	from, to = math.MinInt64, math.MaxInt64
	if list, isList := v.([]any); isList {
		if len(list) != 2 {
			return 0, 0, false
		}
		a, b := resolveTimeDelta(list[0], now), resolveTimeDelta(list[1], now)
		if a > b {
			a, b = b, a
		}
		if a != 0 {
			from = a
		}
		return from, b, true
	}
	if t := resolveTimeDelta(v, now); t != 0 {
		from = t
	}
	return from, to, true
}

// compileEventTimes applies event_timestamp (Event.timestamp) and
// publish_timestamp and last (both Event.publish_timestamp) to evOK, and
// reports whether any was given.
func (q *searchQuery) compileEventTimes(s *store, get func(string) (any, bool), now time.Time, evOK []bool) bool {
	var key strings.Builder
	used := false
	for _, k := range []string{"event_timestamp", "publish_timestamp", "last"} {
		v, ok := get(k)
		if !ok {
			continue
		}
		used = true
		from, to, ok := timeRange(v, now)
		if !ok {
			q.none = true
			return true
		}
		key.WriteString(k + "=" + strconv.FormatInt(from, 10) + ":" + strconv.FormatInt(to, 10) + ";")
		for i, e := range s.events {
			t := e.ts
			if k != "event_timestamp" {
				t = e.publishTS
			}
			if t < from || t > to {
				evOK[i] = false
			}
		}
	}
	q.timeKey = key.String()
	return used
}

// compileDeleted reads the deleted filter. MISP applies it three times:
// as a condition on Attribute.deleted and one on Object.deleted (which
// attributes outside objects always pass), both with the values converted
// like every list filter and compared with a boolean column (any non-empty
// value is 1); and, in fetchAttributes, Attribute.deleted = 0 when the
// parameter is empty and Attribute.deleted = 1 when it is "only". Objects
// are never deleted here, so an object's attributes pass the Object
// condition exactly when 0 passes it.
func (q *searchQuery) compileDeleted(p map[string]any) {
	q.delOK, q.objOK = [2]bool{true, true}, true
	raw, present := p["deleted"]
	if present && raw != nil && raw != false {
		v := harvest(raw)
		f := convertFilters(v)
		allow := func(x int) bool {
			if len(f.or) == 0 && len(f.not) == 0 && len(f.and) == 0 {
				return true
			}
			has := func(list []any) bool {
				for _, y := range list {
					if boolColumn(y) == x {
						return true
					}
				}
				return false
			}
			if len(f.or) > 0 && !has(f.or) || len(f.and) > 0 && !has(f.and) {
				return false
			}
			return !has(f.not)
		}
		q.delOK = [2]bool{allow(0), allow(1)}
		q.objOK = allow(0)
	}
	v := harvest(raw)
	switch {
	case phpEmpty(v):
		q.delOK[1] = false
	case v == "only":
		q.delOK[0] = false
	}
}

// boolColumn is how a value compares with a tinyint(1) column in MISP's
// queries: empty values are 0, all others 1.
func boolColumn(v any) int {
	if phpEmpty(v) {
		return 0
	}
	return 1
}
