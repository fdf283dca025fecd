// The structure of a pcre regex: lookbehinds, POSIX classes, repeat
// counts.

package rulecheck

import (
	"slices"
	"strconv"
	"strings"
)

// maxRepeat is the largest count PCRE2 10.42 reads in a {n,m} quantifier.
const maxRepeat = 65535

// maxNesting is how deep PCRE2 10.42 nests groups at most (its default
// parens_nest_limit, which Suricata keeps); an option setting is none.
const maxNesting = 250

// pcreStructureValid reports whether a regex, as validPcre hands it to
// Go's regexp/syntax (without the white space of the x flag), is free of
// errors PCRE2 10.42 reports that Go misses, or hides behind an earlier
// error the renderer does not trust (a lookaround, a large count): an
// unbalanced "(" or ")", a quantifier after an option setting, a callout,
// an assertion (^, \b, \K…), another quantifier (but for one "?" or "+")
// or nothing (a (?#…) comment, \E and \Q\E are skipped), a "(?" PCRE2
// does not know ("(? :", "(?%"), an unclosed class, a POSIX class or collating element
// outside a class ([:alpha:], [.a.], which Go reads as a class of its
// letters), a quantifier {n,m} with n above m or a count above 65535 (Go
// refuses counts above 1000 as well, so its error says nothing), groups
// nested more than 250 deep (the assertion a condition tests in it), or
// a lookbehind whose alternatives the renderer cannot tell are each of a
// fixed length (a quantifier other than {n}, \R, \X, a back reference, a
// call, or alternatives in a group inside it of lengths that differ or
// that it does not measure) or to 65535 (lookbehindLengthsValid), or a
// condition with more than two alternatives or a (?(DEFINE)…) with more
// than one.
func pcreStructureValid(re string) bool {
	toks, ok := pcreTokens(re, false)
	if !ok {
		return false
	}
	var open []openGroup
	inLookbehind := func() bool { return slices.ContainsFunc(open, func(g openGroup) bool { return g.lookbehind }) }
	// Whether a quantifier may follow (not first, nor after "(", "|", (?i),
	// (?C), an assertion or another quantifier), and whether a "?" or "+"
	// may follow to make the quantifier before it lazy or possessive.
	repeatable, quantified := false, false
	testNext := false // whether the next group is the assertion a condition tests
	for _, t := range toks {
		switch text := re[t.start:t.end]; {
		case t.kind == tokQuantifier:
			modifier := quantified && (re[t.start] == '?' || re[t.start] == '+')
			if !repeatable && !modifier {
				return false
			}
			repeatable, quantified = false, !modifier
		case t.kind == tokSkipped, text == `\E`, text == `\Q\E`:
			// PCRE2 skips an empty quotation as it skips a comment.
		default:
			repeatable = t.kind != tokOpen && t.kind != tokAlternation && t.kind != tokSetting && t.kind != tokVerb &&
				!strings.HasPrefix(text, "(?C") && !slices.Contains(pcreAssertions, text)
			quantified = false
		}
		switch t.kind {
		case tokEscape:
			if inLookbehind() && t.end-t.start > 1 && strings.IndexByte("RXgk123456789", re[t.start+1]) >= 0 {
				return false
			}
		case tokClass:
			if posixOutsideClass(re, t.start) {
				return false
			}
		case tokCall:
			if inLookbehind() {
				return false
			}
		case tokOpen:
			if t.flavour == groupUnknown || inLookbehind() && !lookbehindGroup(t.flavour) {
				return false
			}
			open = append(open, openGroup{lookbehind: t.flavour == groupLookbehind, alternatives: 1,
				maxAlternatives: maxAlternatives(t.flavour, re[t.start:t.end]), test: testNext})
			if len(open) > maxNesting {
				return false
			}
			testNext = t.flavour == groupCondition && t.end-t.start == 2
		case tokClose:
			if len(open) == 0 {
				return false
			}
			if open[len(open)-1].test {
				repeatable = false // the condition's body starts after it
			}
			open = open[:len(open)-1]
		case tokAlternation:
			if len(open) == 0 {
				break
			}
			g := &open[len(open)-1]
			if g.alternatives++; g.maxAlternatives > 0 && g.alternatives > g.maxAlternatives {
				return false
			}
		case tokQuantifier:
			if re[t.start] != '{' {
				if inLookbehind() {
					return false
				}
				continue
			}
			lo, hi, end, _ := quantifier(re, t.start)
			if lo > hi || hi > maxRepeat || inLookbehind() && (lo != hi || re[end-1] == ',') {
				return false
			}
		}
	}
	return len(open) == 0 && lookbehindLengthsValid(re, toks)
}

// openGroup is a group open where pcreStructureValid reads: whether it
// is a lookbehind or the assertion a condition tests, how many
// alternatives it has so far and may have at most (0 for any number).
type openGroup struct {
	lookbehind, test              bool
	alternatives, maxAlternatives int
}

// maxAlternatives returns how many alternatives PCRE2 10.42 allows in a
// group that opening opens: two in a condition, one in (?(DEFINE)…),
// any number elsewhere (0).
func maxAlternatives(f groupFlavour, opening string) int {
	switch {
	case opening == "(?(DEFINE)":
		return 1
	case f == groupCondition:
		return 2
	}
	return 0
}

// pcreAssertions are the assertions of a regex that PCRE2 10.42 does not
// repeat: a quantifier after one has nothing to repeat (Go repeats them).
var pcreAssertions = []string{"^", "$", `\b`, `\B`, `\A`, `\z`, `\Z`, `\G`, `\K`}

// lookbehindGroup reports whether a group in a lookbehind is one the
// renderer can tell the length of: not a condition or a verb, whose
// lengths it does not read.
func lookbehindGroup(f groupFlavour) bool {
	return f != groupCondition && f != groupVerb && f != groupUnknown
}

// posixOutsideClass reports whether the "[" at re[i], outside a class,
// starts what PCRE2's check_posix_syntax reads as a POSIX class or
// collating element, which it refuses there: ":", "." or "=" after it,
// then the same byte and "]" before any other "]" or "[" and that byte.
func posixOutsideClass(re string, i int) bool {
	if i+1 >= len(re) || strings.IndexByte(":.=", re[i+1]) < 0 {
		return false
	}
	term := re[i+1]
	for j := i + 2; j < len(re); j++ {
		next := byte(0)
		if j+1 < len(re) {
			next = re[j+1]
		}
		switch {
		case re[j] == '\\' && (next == ']' || next == '\\'):
			j++
		case re[j] == '[' && next == term, re[j] == ']':
			return false
		case re[j] == term && next == ']':
			return true
		}
	}
	return false
}

// quantifier reads a {n}, {n,} or {n,m} quantifier at re[i] as PCRE2
// 10.42 reads one (anything else is literal): its counts (hi is lo when
// unbounded or alone), the offset of its "}", and whether it is one.
func quantifier(re string, i int) (lo, hi, end int, ok bool) {
	close := strings.IndexByte(re[i:], '}')
	if close < 0 {
		return 0, 0, 0, false
	}
	first, second, hasComma := strings.Cut(re[i+1:i+close], ",")
	lo, ok = repeatCount(first)
	if !ok {
		return 0, 0, 0, false
	}
	hi = lo
	if hasComma && second != "" {
		if hi, ok = repeatCount(second); !ok {
			return 0, 0, 0, false
		}
	}
	return lo, hi, i + close, true
}

// repeatCount reads the digits of a quantifier's count; one past maxRepeat
// is read as maxRepeat+1.
func repeatCount(s string) (int, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxRepeat {
		return maxRepeat + 1, true
	}
	return n, true
}

// validQuantifier reports whether s starts with a quantifier PCRE2 10.42
// reads: {n}, {n,} or {n,m}, n ≤ m ≤ 65535.
func validQuantifier(s string) bool {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return false
	}
	lo, hi, ranged := strings.Cut(s[1:end], ",")
	if !isUint(lo, maxGroupNumber) || ranged && hi != "" && !isUint(hi, maxGroupNumber) {
		return false
	}
	if !ranged || hi == "" {
		return true
	}
	low, _ := strconv.Atoi(lo)
	high, _ := strconv.Atoi(hi)
	return low <= high
}

// alphaBracketed are the assertions by name written as Go's
// regexp/syntax knows them, or refuses them as it refuses the other
// lookarounds.
var alphaBracketed = map[string]string{"pla": "(?=", "positive_lookahead": "(?=", "napla": "(?=",
	"non_atomic_positive_lookahead": "(?=", "nla": "(?!", "negative_lookahead": "(?!", "plb": "(?<=",
	"positive_lookbehind": "(?<=", "naplb": "(?<=", "non_atomic_positive_lookbehind": "(?<=", "nlb": "(?<!",
	"negative_lookbehind": "(?<!", "atomic": "(?>", "sr": "(?:", "script_run": "(?:", "asr": "(?>",
	"atomic_script_run": "(?>"}

// goVerbForm returns re for Go's regexp/syntax, which knows no verbs and
// no assertions by name: without its verbs, which match the empty string,
// and with each assertion by name bracketed, (*pla: as (?=, so that Go
// reads it as the bracketed one rather than as a "*" with nothing to
// repeat.
func goVerbForm(re string) string {
	toks, ok := pcreTokens(re, false)
	if !ok {
		return re
	}
	var b strings.Builder
	for _, t := range toks {
		text := re[t.start:t.end]
		if t.kind == tokOpen && strings.HasPrefix(text, "(*") {
			if bracketed := alphaBracketed[strings.Trim(text, "(*:")]; bracketed != "" {
				text = bracketed
			}
		}
		if t.kind != tokVerb {
			b.WriteString(text)
		}
	}
	return b.String()
}
