// Character class ranges with a class at either end, and ja3/ja3s
// fingerprints.

package rulecheck

import "strings"

// classEscapeRange reports whether a regex has a range in a character
// class with a class at either end ([\w-_], [a-\d], [[:digit:]-z]):
// PCRE2 refuses it ("invalid range in character class"), Go reads the
// "-" as a literal.
func classEscapeRange(re string) bool {
	toks, _ := pcreTokens(re, false)
	for _, t := range toks {
		if t.kind == tokClass && rangeOfClass(re[t.start+1:t.end-1]) {
			return true
		}
	}
	return false
}

// rangeOfClass reports whether the inside of a character class has a
// range with a class at either end. A "-" first, last or right after a
// range is a literal.
func rangeOfClass(body string) bool {
	body = strings.TrimPrefix(body, "^")
	var (
		prevClass, hasPrev bool // the item before a "-"
		afterRange         bool
	)
	for i := 0; i < len(body); {
		isClass, next, empty := classItem(body, i)
		if empty {
			i = next
			continue
		}
		if body[i] == '-' && hasPrev && !afterRange && next < len(body) {
			rangeEnd, after, _ := classItem(body, next)
			if prevClass || rangeEnd {
				return true
			}
			i, hasPrev, afterRange = after, true, true
			continue
		}
		prevClass, hasPrev, afterRange = isClass, true, false
		i = next
	}
	return false
}

// classItem reads the item of a character class at body[i]: whether it
// is a class (an escape such as \w or \p{L}, or [:name:]), where the
// next item starts, and whether it matches nothing (\E, an empty \Q\E).
func classItem(body string, i int) (isClass bool, next int, empty bool) {
	switch {
	case strings.HasPrefix(body[i:], "[:"):
		if end := strings.Index(body[i+2:], ":]"); end >= 0 {
			return true, i + 2 + end + 2, false
		}
	case strings.HasPrefix(body[i:], `\Q\E`):
		return false, i + 4, true
	case strings.HasPrefix(body[i:], `\E`):
		return false, i + 2, true
	case body[i] == '\\' && i+1 < len(body) && strings.IndexByte("dDsSwWhHvVpPRNX", body[i+1]) >= 0:
		next = i + 2
		if (body[i+1] == 'p' || body[i+1] == 'P') && next < len(body) && body[next] == '{' {
			if end := strings.IndexByte(body[next:], '}'); end >= 0 {
				next += end + 1
			}
		} else if body[i+1] == 'p' || body[i+1] == 'P' {
			next++
		}
		return true, min(next, len(body)), false
	case body[i] == '\\':
		return false, escapeEnd(body, i) + 1, false
	}
	return false, i + 1, false
}

// validFingerprint reads tls.fingerprint, which Suricata 7 reads as a
// content moved to tls.cert_fingerprint: a quoted content of 59 bytes
// with a ":", as that buffer's check wants, perhaps negated.
func validFingerprint(v string) bool {
	v = strings.TrimLeft(strings.TrimPrefix(v, "!"), " \t")
	b := contentBytes(v)
	return validContent(v) && len(b) == 59 && strings.IndexByte(string(b), ':') >= 0
}
