// The tokens of a pcre regex, read once as PCRE2 10.42 reads them, for
// every check of the regex to walk.

package rulecheck

import (
	"slices"
	"strings"
)

// tokenKind is what a token of a regex is.
type tokenKind int

const (
	tokLiteral     tokenKind = iota
	tokEscape                // \d, \Q…\E, \cX, \x{41}
	tokClass                 // […], up to its "]"
	tokOpen                  // a group's "(" and what introduces it: "(", "(?:", "(?<name>"
	tokClose                 // ")"
	tokAlternation           // "|"
	tokQuantifier            // "*", "+", "?" or {n,m} as PCRE2 reads one
	tokSetting               // an option setting for the rest of its group: "(?x)"
	tokCall                  // a reference or call up to its ")": (?1), (?P=n), (?&n), (?C1)
	tokVerb                  // a backtracking verb up to its ")": (*COMMIT), (*MARK:n)
	tokSkipped               // white space and "#" comments in x mode, (?#…) comments
)

// groupFlavour is the kind of group a tokOpen opens.
type groupFlavour int

const (
	groupPlain      groupFlavour = iota // (?=, (?!, (?>
	groupUnknown                        // a "(?" PCRE2 does not know
	groupCapture                        // (
	groupNamed                          // (?<name>, (?'name', (?P<name>
	groupLookbehind                     // (?<=, (?<!
	groupOptions                        // (?i-x:
	groupReset                          // (?|
	groupCondition                      // (?(1), (?(name), or (? before an assertion
	groupVerb                           // (*pla:, an assertion by name
)

// pcreToken is one token of a regex: re[start:end]. For a tokOpen,
// extended is the x mode inside the group; for a tokSetting, the x mode
// after it; for any other token, the x mode it is read in.
type pcreToken struct {
	kind       tokenKind
	flavour    groupFlavour
	start, end int
	extended   bool
}

// pcreTokens reads re as PCRE2 10.42 does, extended being the x flag:
// the x mode follows (?x), (?-x:…) and (?^) to the end of their group.
// It reports false for what PCRE2 refuses in the reading itself: an
// unclosed class or (?#, a POSIX class other than [:name:] in a class,
// and white space inside "(?" or between "(" and a quantifier in x mode.
func pcreTokens(re string, extended bool) ([]pcreToken, bool) {
	var toks []pcreToken
	var outer []bool // the x mode of each open group's parent
	for i := 0; i < len(re); {
		t := pcreToken{kind: tokLiteral, start: i, end: i + 1, extended: extended}
		switch c := re[i]; {
		case c == '\\':
			t.kind, t.end = tokEscape, escapeEnd(re, i)+1
			if end := strings.IndexByte(re[t.end:], '}'); t.end == i+2 && strings.HasPrefix(re[t.end:], "{") &&
				strings.IndexByte("xopPgk", re[i+1]) >= 0 && end >= 0 {
				t.end += end + 1 // \x{41}, \p{L}, \g{1}: braces that are no quantifier
			}
		case c == '[':
			end, ok := classEnd(re, i)
			if !ok {
				return toks, false
			}
			t.kind, t.end = tokClass, end+1
		case strings.HasPrefix(re[i:], "(?#"):
			end := strings.IndexByte(re[i:], ')')
			if end < 0 {
				return toks, false
			}
			t.kind, t.end = tokSkipped, i+end+1
		case extended && c == '#':
			t.kind, t.end = tokSkipped, len(re)
			if end := strings.IndexByte(re[i:], '\n'); end >= 0 {
				t.end = i + end
			}
		case extended && isSpace(c):
			t.kind = tokSkipped
		case c == '(':
			if extended && splitGroup(re[i+1:]) {
				return toks, false
			}
			var ok bool
			if t, ok = groupToken(re, t); !ok {
				return toks, false
			}
			switch t.kind {
			case tokOpen:
				outer = append(outer, extended)
				extended = t.extended
			case tokSetting:
				extended = t.extended
			}
		case c == ')':
			t.kind = tokClose
			if n := len(outer); n > 0 {
				extended, outer = outer[n-1], outer[:n-1]
			}
		case c == '|':
			t.kind = tokAlternation
		case c == '*', c == '+', c == '?':
			t.kind = tokQuantifier
		case c == '{':
			if _, _, end, ok := quantifier(re, i); ok {
				t.kind, t.end = tokQuantifier, end+1
			}
		}
		toks = append(toks, t)
		i = t.end
	}
	return toks, true
}

// groupToken reads the "(" at re[t.start] and what introduces its group.
func groupToken(re string, t pcreToken) (pcreToken, bool) {
	i, rest := t.start, re[t.start+1:]
	t.kind = tokOpen
	toClose := func() (pcreToken, bool) {
		end := strings.IndexByte(rest, ')')
		t.end = i + 1 + end + 1
		return t, end >= 0
	}
	opts, isOpts := "", false
	if end := strings.IndexAny(rest, ":)"); end >= 1 && rest[0] == '?' {
		opts = rest[1:end]
		isOpts = strings.Trim(opts, "imnsxJU^-") == ""
	}
	switch {
	case !strings.HasPrefix(rest, "?") && !strings.HasPrefix(rest, "*"):
		t.flavour = groupCapture
	case strings.HasPrefix(rest, "*"):
		t.flavour, t.end = groupVerb, i+2
		if name := strings.TrimLeft(rest[1:], "abcdefghijklmnopqrstuvwxyz_"); len(name) < len(rest)-1 {
			// An assertion by name, (*pla:…), opens with its ":".
			t.end += len(rest) - 1 - len(name)
			if !slices.Contains(alphaAssertions, rest[1:len(rest)-len(name)]) || !strings.HasPrefix(name, ":") {
				t.flavour = groupUnknown
			} else if t.end++; slices.Contains(alphaLookbehinds, rest[1:len(rest)-len(name)]) {
				t.flavour = groupLookbehind
			}
		} else if len(rest) > 1 && (isLetter(rest[1]) || rest[1] == ':') {
			// A verb's name is read to the first ")", as it is written.
			end := strings.IndexByte(rest, ')')
			t.kind, t.end = tokVerb, i+1+end+1
			return t, end >= 0 && validVerb(rest[1:end])
		} else {
			t.flavour = groupUnknown // (*(, (*1): no verb
		}
	case strings.HasPrefix(rest, "?<=") || strings.HasPrefix(rest, "?<!"):
		t.flavour, t.end = groupLookbehind, i+4
	case strings.HasPrefix(rest, "?P<") || strings.HasPrefix(rest, "?<") || strings.HasPrefix(rest, "?'"):
		// The name is part of the opening: a quantifier after it has
		// nothing to repeat.
		start := i + 1 + strings.IndexAny(rest, "<'") + 1
		t.flavour, t.end = groupNamed, start
		if _, end, ok := groupName(re, start, map[byte]byte{'<': '>', '\'': '\''}[re[start-1]]); ok {
			t.end = end + 1
		}
	case strings.HasPrefix(rest, "?("):
		t.flavour, t.end = groupCondition, i+2
		if len(rest) > 2 && strings.IndexByte("?*(", rest[2]) < 0 {
			// A group number, name or recursion up to its ")"; an
			// assertion is read as a group next.
			return toClose()
		}
		if !conditionAssertion(rest[2:]) {
			t.flavour = groupUnknown
		}
	case isOpts:
		t.extended = extendedAfter(opts, t.extended)
		t.end = i + 3 + len(opts)
		if rest[1+len(opts)] == ')' {
			t.kind = tokSetting
		} else {
			t.flavour = groupOptions
		}
	case strings.HasPrefix(rest, "?|"):
		t.flavour, t.end = groupReset, i+3
	case strings.HasPrefix(rest, "?C"):
		end, ok := calloutEnd(rest[2:])
		t.kind, t.end = tokCall, i+3+end+1
		return t, ok
	case strings.HasPrefix(rest, "?P=") || strings.HasPrefix(rest, "?P>") || strings.HasPrefix(rest, "?&") ||
		strings.HasPrefix(rest, "?R") || callNumber(rest[1:]):
		t.kind = tokCall
		return toClose()
	case len(rest) > 1 && strings.IndexByte("=!>", rest[1]) >= 0:
		t.end = i + 3
	default:
		t.flavour, t.end = groupUnknown, min(i+2, len(re))
	}
	return t, true
}

// alphaAssertions are the assertions by name PCRE2 10.42 knows, (*pla:…).
var alphaAssertions = []string{"pla", "plb", "nla", "nlb", "napla", "naplb", "atomic", "sr", "asr",
	"positive_lookahead", "positive_lookbehind", "negative_lookahead", "negative_lookbehind",
	"non_atomic_positive_lookahead", "non_atomic_positive_lookbehind", "script_run", "atomic_script_run"}

// alphaLookbehinds are the assertions by name that look behind, of a
// fixed length as (?<=…) is.
var alphaLookbehinds = []string{"plb", "nlb", "naplb", "positive_lookbehind", "negative_lookbehind",
	"non_atomic_positive_lookbehind"}

// maxVerbName is the longest name PCRE2 10.42 takes after a verb.
const maxVerbName = 255

// backtrackVerbs are the verbs PCRE2 10.42 knows after "(*", with
// whether each must have a name: (*MARK:n) and (*:n) must, the others
// may have one. Options such as (*UTF), which it reads only at the start
// of a regex, are not among them.
var backtrackVerbs = map[string]bool{"": true, "MARK": true, "ACCEPT": false, "F": false, "FAIL": false,
	"COMMIT": false, "PRUNE": false, "SKIP": false, "THEN": false}

// validVerb reports whether s, between "(*" and ")", is a verb PCRE2
// 10.42 knows with a name it takes.
func validVerb(s string) bool {
	verb, name, _ := strings.Cut(s, ":")
	needsName, known := backtrackVerbs[verb]
	return known && len(name) <= maxVerbName && (name != "" || !needsName)
}

// conditionAssertions open the assertions PCRE2 10.42 takes as the
// condition of a group.
var conditionAssertions = []string{"?=", "?!", "?<=", "?<!", "*pla:", "*plb:", "*nla:", "*nlb:",
	"*positive_lookahead:", "*positive_lookbehind:", "*negative_lookahead:", "*negative_lookbehind:"}

// conditionAssertion reports whether s, following "(?(", opens an
// assertion PCRE2 10.42 takes as a condition, perhaps after one callout:
// (?(?=a)b) or (?(?C1)(?=a)b), not (?(?i)(1)a) or (?(*1)a).
func conditionAssertion(s string) bool {
	if strings.HasPrefix(s, "?C") {
		end, ok := calloutEnd(s[2:])
		if !ok || !strings.HasPrefix(s[2+end+1:], "(") {
			return false
		}
		s = s[2+end+2:]
	}
	return slices.ContainsFunc(conditionAssertions, func(a string) bool { return strings.HasPrefix(s, a) })
}

// calloutDelimiters are the bytes PCRE2 10.42 reads as opening a
// callout's string argument, each closed by itself but for "{".
const calloutDelimiters = "`'\"^%#${"

// calloutEnd reads the argument of a callout, s following "(?C", as
// PCRE2 10.42 reads one: none, a number to 255, or a string in one of
// calloutDelimiters (the closing one doubled stands for itself). It
// returns the offset in s of the ")" closing the callout, and whether
// the argument is one PCRE2 reads and a ")" follows it.
func calloutEnd(s string) (int, bool) {
	i := 0
	switch {
	case s != "" && isDigit(s[0]):
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if !isUint(s[:i], 255) {
			return i, false
		}
	case s != "" && strings.IndexByte(calloutDelimiters, s[0]) >= 0:
		close := s[0]
		if close == '{' {
			close = '}'
		}
		for i = 1; i < len(s); i++ {
			if s[i] == close {
				if i+1 < len(s) && s[i+1] == close {
					i++
					continue
				}
				break
			}
		}
		i++
	}
	return i, i < len(s) && s[i] == ')'
}

// callNumber reports whether s, following "(?", is a group number to
// call: digits, perhaps after a sign.
func callNumber(s string) bool {
	s = strings.TrimLeft(s[:min(len(s), 1)], "+-") + s[min(len(s), 1):]
	return s != "" && isDigit(s[0])
}

// splitGroup reports whether rest, following a "(" in x mode, starts
// with white space inside "(?" or before a quantifier, which PCRE2 10.42
// refuses and removing the white space would hide.
func splitGroup(rest string) bool {
	after := strings.TrimLeft(rest, " \t\n\r\f\v")
	return after != rest && after != "" && strings.IndexByte("?*+", after[0]) >= 0 ||
		len(rest) > 1 && rest[0] == '?' && isSpace(rest[1])
}

func isSpace(c byte) bool { return strings.IndexByte(" \t\n\r\f\v", c) >= 0 }
