// Character class ranges with a class at either end, and ja3/ja3s
// fingerprints.

package rulecheck

import (
	"strconv"
	"strings"
)

// classRangeRefused reports whether a regex has a range in a character
// class PCRE2 refuses: with a class at either end ([\w-_], [a-\d],
// [[:digit:]-z]), which Go reads as a literal "-" ("invalid range in
// character class"), or out of order ([a-*z], [}-z]), which Go refuses
// too but may report an earlier error for, as in a lookbehind ("range
// out of order in character class").
func classRangeRefused(re string) bool {
	toks, _ := pcreTokens(re, false)
	for _, t := range toks {
		if t.kind == tokClass && rangeRefused(re[t.start+1:t.end-1]) {
			return true
		}
	}
	return false
}

// rangeRefused reports whether the inside of a character class has a
// range with a class at either end, or whose ends, where the renderer
// reads their bytes, are out of order. A "-" first, last or right after
// a range is a literal.
func rangeRefused(body string) bool {
	body = strings.TrimPrefix(body, "^")
	var (
		prevClass, hasPrev bool // the item before a "-"
		prevByte           int  // its byte, -1 if not read
		prevQuoted         bool // it is a \Q…\E quotation
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
			// A quotation at an end is not read: its order is not known.
			quoted := prevQuoted || strings.HasPrefix(body[next:], `\Q`)
			if prevClass || rangeEnd || quoted || prevByte >= 0 && classByte(body, next) >= 0 && prevByte > classByte(body, next) {
				return true
			}
			i, hasPrev, afterRange = after, true, true
			continue
		}
		prevClass, hasPrev, afterRange = isClass, true, false
		prevByte, prevQuoted = classByte(body, i), strings.HasPrefix(body[i:], `\Q`)
		i = next
	}
	return false
}

// classEscapeEnd returns where the escape of a character class at
// body[i] ends: \x{…} and \o{…} at their "}", \x after up to two hex
// digits, an octal escape after up to three digits, others as escapeEnd.
func classEscapeEnd(body string, i int) int {
	if i+1 >= len(body) {
		return len(body)
	}
	c := body[i+1]
	start, maxDigits, digits := i+2, 0, ""
	switch {
	case (c == 'x' || c == 'o') && strings.HasPrefix(body[i+2:], "{"):
		if end := strings.IndexByte(body[i+2:], '}'); end >= 0 {
			return i + 2 + end + 1
		}
	case c == 'x':
		maxDigits, digits = 2, "0123456789abcdefABCDEF"
	case c >= '0' && c <= '7':
		start, maxDigits, digits = i+1, 3, "01234567"
	}
	end := start
	for end < len(body) && end-start < maxDigits && strings.IndexByte(digits, body[end]) >= 0 {
		end++
	}
	return max(end, escapeEnd(body, i)+1)
}

// classByte returns the byte an item of a character class at body[i]
// stands for, when the renderer reads it (-1 if not): a byte, an escaped
// byte other than a letter or digit, a named control (\n, \e…), \xhh,
// \x{hh}, \o{ooo}, an octal \ooo or \cX.
func classByte(body string, i int) int {
	if body[i] != '\\' {
		return int(body[i])
	}
	if i+1 >= len(body) {
		return -1
	}
	c, end := body[i+1], classEscapeEnd(body, i)
	if n := strings.IndexByte("abtnfre", c); n >= 0 {
		return int("\a\b\t\n\f\r\x1b"[n])
	}
	switch {
	case !isAlnum(c), c == '8', c == '9': // \8 and \9 are "8" and "9" in a class
		return int(c)
	case c == 'c' && i+2 < len(body):
		return int(strings.ToUpper(body[i+2 : i+3])[0]) ^ 0x40
	case (c == 'x' || c == 'o') && strings.HasPrefix(body[i+2:], "{"):
		return parseByte(body[i+3:end-1], map[byte]int{'x': 16, 'o': 8}[c])
	case c == 'x':
		return max(parseByte(body[i+2:end], 16), 0) // \x alone is 0
	case c >= '0' && c <= '7':
		return parseByte(body[i+1:end], 8)
	}
	return -1
}

// parseByte reads digits in base as a byte, -1 if they are not one.
func parseByte(digits string, base int) int {
	n, err := strconv.ParseUint(digits, base, 8)
	if err != nil {
		return -1
	}
	return int(n)
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
		return false, classEscapeEnd(body, i), false
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
