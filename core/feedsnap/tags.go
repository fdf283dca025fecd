package feedsnap

import (
	"strconv"
	"strings"
)

// tagRule is a restSearch tags filter applied locally, as MISP applies it
// to an attribute whose event tags are listed with its own: one of the
// plain entries must name a tag of the attribute or its event (when there
// are any), and no "!" entry may. Entries compare without case, as SQL
// LIKE patterns when they hold %, _ or \.
type tagRule struct {
	any, none []string
}

func newTagRule(tags []string) (tagRule, bool) {
	var r tagRule
	for _, t := range tags {
		neg := strings.HasPrefix(t, "!")
		t = strings.TrimPrefix(t, "!")
		if _, err := strconv.Atoi(strings.TrimSpace(t)); err == nil || t == "" {
			return r, false // a tag id or an empty entry: MISP's reading only
		}
		if neg {
			r.none = append(r.none, t)
		} else {
			r.any = append(r.any, t)
		}
	}
	return r, true
}

func (r tagRule) admits(tags []string) bool {
	matchesAny := func(patterns []string) bool {
		for _, p := range patterns {
			for _, t := range tags {
				if tagMatch(p, t) {
					return true
				}
			}
		}
		return false
	}
	if len(r.any) > 0 && !matchesAny(r.any) {
		return false
	}
	return !matchesAny(r.none)
}

func tagMatch(pattern, name string) bool {
	if !strings.ContainsAny(pattern, `%_\`) {
		return strings.EqualFold(pattern, name)
	}
	return like([]rune(strings.ToLower(pattern)), []rune(strings.ToLower(name)))
}

// like matches SQL LIKE: % any run, _ one character, \ escapes.
func like(p, s []rune) bool {
	for len(p) > 0 {
		switch p[0] {
		case '%':
			for len(p) > 0 && p[0] == '%' {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := range len(s) + 1 {
				if like(p, s[i:]) {
					return true
				}
			}
			return false
		case '_':
			if len(s) == 0 {
				return false
			}
			p, s = p[1:], s[1:]
			continue
		case '\\':
			if len(p) > 1 {
				p = p[1:]
			}
		}
		if len(s) == 0 || p[0] != s[0] {
			return false
		}
		p, s = p[1:], s[1:]
	}
	return len(s) == 0
}
