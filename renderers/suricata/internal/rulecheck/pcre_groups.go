// Capture groups of a pcre regex: how many, and where each opens.

package rulecheck

import (
	"slices"
	"strings"
)

// pcreGroups reads a regex as PCRE2 10.42 reads its groups: it returns
// how many capture (PCRE2_INFO_CAPTURECOUNT, which Suricata 7 compares
// with the names after the regex) and the offsets of the "(" that open
// one, so that a "(?P<" in a character class, \Q…\E or a comment is
// known as literal. It reports false for what it does not count: a
// branch reset (?|, which numbers groups again, a verb or alpha assertion
// (*…), a callout, the n option (no capture by number), a "#" comment in
// extended mode, a POSIX class other than [:name:], or an unclosed class.
// Extended mode is read as PCRE2 scopes it: an option setting such as
// (?x), (?-x) or (?^) lasts to the end of the group it is in, (?x:…) to
// its own ")".
func pcreGroups(re string, extended bool) (int, map[int]bool, bool) {
	toks, ok := pcreTokens(re, extended)
	if !ok {
		return 0, nil, false
	}
	opens := map[int]bool{}
	for _, t := range toks {
		switch {
		case t.kind == tokSkipped && re[t.start] == '#',
			t.kind == tokCall && re[t.start+2] == 'C',
			t.kind == tokVerb, t.kind == tokOpen && (t.flavour == groupReset || re[t.start+1] == '*'),
			(t.kind == tokOpen && t.flavour == groupOptions || t.kind == tokSetting) &&
				strings.Contains(re[t.start:t.end], "n"):
			return 0, nil, false
		case t.kind == tokOpen && (t.flavour == groupCapture || t.flavour == groupNamed):
			opens[t.start] = true
		}
	}
	return len(opens), opens, true
}

// extendedAfter returns whether extended mode is on after the option
// letters opts of a group or setting, it being on before them when
// extended: x sets it, -x unsets it, and ^ unsets it before the letters
// after it.
func extendedAfter(opts string, extended bool) bool {
	set := true
	for _, c := range opts {
		switch c {
		case '^':
			extended = false
		case '-':
			set = false
		case 'x':
			extended = set
		}
	}
	return extended
}

// escapeEnd returns the offset of the last byte of the escape at re[i]:
// \Q quotes up to \E, \c takes the byte after it, others one byte.
func escapeEnd(re string, i int) int {
	switch {
	case strings.HasPrefix(re[i:], `\Q`):
		if end := strings.Index(re[i+2:], `\E`); end >= 0 {
			return i + 2 + end + 1
		}
		return len(re) - 1
	case strings.HasPrefix(re[i:], `\c`):
		return min(i+2, len(re)-1)
	}
	return min(i+1, len(re)-1)
}

// posixClassNames are the names PCRE2 10.42 knows in a [:name:] class.
var posixClassNames = []string{"alpha", "lower", "upper", "alnum", "ascii", "blank", "cntrl", "digit",
	"graph", "print", "punct", "space", "word", "xdigit"}

// classEnd returns the offset of the "]" that closes the character class
// opened at re[i]; a "]" first in it, after "^", \E and \Q\E, is literal.
// A POSIX class in it must have a name PCRE2 knows.
func classEnd(re string, i int) (int, bool) {
	j, negated := i+1, false
	for j < len(re) {
		if strings.HasPrefix(re[j:], `\E`) {
			j += 2
		} else if strings.HasPrefix(re[j:], `\Q\E`) {
			j += 4
		} else if re[j] == '^' && !negated {
			j, negated = j+1, true
		} else {
			break
		}
	}
	if j < len(re) && re[j] == ']' {
		j++
	}
	for ; j < len(re); j++ {
		switch re[j] {
		case '\\':
			j = escapeEnd(re, j)
		case ']':
			return j, true
		case '[':
			if j+1 < len(re) && strings.IndexByte(":.=", re[j+1]) >= 0 {
				end := strings.Index(re[j+2:], ":]")
				name := ""
				if end >= 0 {
					name = strings.TrimPrefix(re[j+2:j+2+end], "^")
				}
				if re[j+1] != ':' || !slices.Contains(posixClassNames, name) {
					return 0, false
				}
				j += 2 + end + 1
			}
		}
	}
	return 0, false
}
