package mispsim

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The helpers below read restSearch parameters with the loose typing of
// MISP's PHP code: JSON numbers, numeric strings and booleans mix freely.

// phpEmpty reports whether PHP's empty() is true for a decoded JSON value.
func phpEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case string:
		return x == "" || x == "0"
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// phpString is PHP's strval for scalar JSON values.
func phpString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "1"
		}
		return ""
	case json.Number:
		return x.String()
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// isJSONInt reports whether v is an integer JSON number.
func isJSONInt(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, err := strconv.ParseInt(n.String(), 10, 64)
	return err == nil
}

// numeric reports whether s is a PHP numeric string and returns its value.
func numeric(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// sqlInt is how MySQL compares a value with an integer column: numbers and
// numeric strings by value, true as 1, anything else as 0.
func sqlInt(v any) int64 {
	switch x := v.(type) {
	case bool:
		if x {
			return 1
		}
		return 0
	case json.Number:
		f, _ := x.Float64()
		return int64(f)
	case string:
		if f, ok := numeric(x); ok {
			return int64(f)
		}
		// MySQL reads the leading digits of a string.
		n := 0
		for n < len(x) && x[n] >= '0' && x[n] <= '9' {
			n++
		}
		i, _ := strconv.ParseInt(x[:n], 10, 64)
		return i
	}
	return 0
}

// harvest applies the clean-up MISP does to every top-level parameter:
// strings are trimmed and split on "||".
func harvest(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	s = strings.TrimSpace(s)
	if strings.Index(s, "||") > 0 {
		parts := strings.Split(s, "||")
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out
	}
	return s
}

// filterList is a parameter split into OR, NOT and AND parts.
type filterList struct {
	or, not, and []any
}

// convertFilters splits a filter value as MISP's convert_filters does:
// "a&&!b" or ["a","!b"] or {"OR":[…],"NOT":[…],"AND":[…]}.
func convertFilters(v any) filterList {
	var f filterList
	switch x := v.(type) {
	case map[string]any:
		if hasAnyKey(x, "OR", "NOT", "AND") {
			f.or, f.not, f.and = asList(x["OR"]), asList(x["NOT"]), asList(x["AND"])
			return f
		}
		for _, k := range sortedKeys(x) {
			f.addItem(x[k])
		}
	case []any:
		for _, item := range x {
			f.addItem(item)
		}
	default:
		for _, part := range strings.Split(phpString(v), "&&") {
			if part == "" {
				continue
			}
			if part[0] == '!' {
				f.not = append(f.not, part[1:])
			} else {
				f.or = append(f.or, part)
			}
		}
	}
	return f
}

func (f *filterList) addItem(item any) {
	s := phpString(item)
	if !phpEmpty(s) && !isJSONInt(item) {
		if s[0] == '!' {
			f.not = append(f.not, s[1:])
		} else {
			f.or = append(f.or, s)
		}
	} else if item != nil {
		f.or = append(f.or, item)
	}
}

// dissectTags splits the tags parameter as MISP's dissectArgs does.
func dissectTags(v any) filterList {
	var f filterList
	if phpEmpty(v) {
		return f
	}
	var items []any
	switch x := v.(type) {
	case map[string]any:
		if hasAnyKey(x, "OR", "NOT", "AND") {
			if !phpEmpty(x["OR"]) {
				f.or = asList(x["OR"])
			}
			if !phpEmpty(x["NOT"]) {
				f.not = asList(x["NOT"])
			}
			if !phpEmpty(x["AND"]) {
				f.and = asList(x["AND"])
			}
			return f
		}
		for _, k := range sortedKeys(x) {
			items = append(items, x[k])
		}
	case []any:
		items = x
	default:
		for _, p := range strings.Split(phpString(v), "&&") {
			items = append(items, p)
		}
	}
	for _, it := range items {
		if s, ok := it.(string); ok && s != "" && s[0] == '!' {
			f.not = append(f.not, s[1:])
		} else {
			f.or = append(f.or, it)
		}
	}
	return f
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	case map[string]any:
		var out []any
		for _, k := range sortedKeys(x) {
			out = append(out, x[k])
		}
		return out
	}
	return []any{v}
}

func hasAnyKey(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// JSON objects used as lists are rare; a stable order is enough.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// resolveTimeDelta reads a timestamp filter value as MISP does: a number
// is a Unix time, "<n>d|h|m|s" is relative to now, a date string is parsed,
// and anything else becomes now+1 (which matches nothing newer).
func resolveTimeDelta(v any, now time.Time) int64 {
	s := strings.TrimSpace(phpString(v))
	if f, ok := numeric(s); ok {
		return int64(f)
	}
	if s != "" {
		mult := map[byte]int64{'d': 86400, 'h': 3600, 'm': 60, 's': 1}
		last := s[len(s)-1] | 0x20
		if m, ok := mult[last]; ok {
			if f, ok := numeric(s[:len(s)-1]); ok {
				return now.Unix() - int64(f*float64(m))
			}
			return now.Unix() + 1
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
				return t.Unix()
			}
		}
	}
	return now.Unix() + 1
}

// likeMatch reports whether s matches the SQL LIKE pattern p under a
// case-insensitive collation: % is any run, _ is one character, \ escapes.
func likeMatch(p, s string) bool {
	return likeRunes([]rune(strings.ToLower(p)), []rune(strings.ToLower(s)))
}

func likeRunes(p, s []rune) bool {
	for len(p) > 0 {
		switch p[0] {
		case '%':
			for len(p) > 0 && p[0] == '%' {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if likeRunes(p, s[i:]) {
					return true
				}
			}
			return false
		case '_':
			if len(s) == 0 {
				return false
			}
			p, s = p[1:], s[1:]
		case '\\':
			if len(p) > 1 {
				p = p[1:]
			}
			fallthrough
		default:
			if len(s) == 0 || s[0] != p[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return len(s) == 0
}
