// The size of a pcre regex once PCRE2 compiles it.

package rulecheck

import "strings"

// maxCompiledSize is the most code units PCRE2 10.42, built with its
// default LINK_SIZE 2, compiles a regex into (MAX_PATTERN_SIZE); past it
// pcre2_compile fails with "regular expression is too large".
const maxCompiledSize = 1 << 16

// compiledSizeValid reports whether an upper bound of the code PCRE2
// 10.42 compiles re into (read without the x flag), ucp being whether
// (*UCP) starts it, is within maxCompiledSize. PCRE2 copies a repeated
// group (an assertion, a call) once for each count, and an optional copy
// with 7 more units, so (ab){7000}, e(?=x){10000} or ((a){100}){100}
// are too large, while a repeated character or class is compiled once
// whatever its count (a{10000}). Each item is counted at its largest: a
// literal byte at 2 units (3 under (*UCP), where a caseless one may be a
// property), a class at 33 (with \p, or under (*UCP), 40 and 8 for each
// of its bytes), an escape at 5, a call at 9 (wrapped in a group when
// repeated), a group at 8, 3 more for each alternative and, in a
// lookbehind, 3 more for each.
func compiledSizeValid(re string, ucp bool) bool {
	toks, ok := pcreTokens(re, false)
	if !ok {
		return false
	}
	type frame struct {
		total      int  // the code of the group's items so far
		lookbehind bool // whether each alternative starts with OP_REVERSE
		assertion  bool // whether the group is an assertion
		// The size of its last item, whether that is a group (or a call),
		// which a quantifier copies, and an assertion.
		last             int
		copied, asserted bool
	}
	stack := []frame{{}}
	// add ends the last item of the innermost group and starts one of
	// size n.
	add := func(n int, copied, asserted bool) {
		f := &stack[len(stack)-1]
		f.total = sumSize(f.total, f.last)
		f.last, f.copied, f.asserted = n, copied, asserted
	}
	literal := 2
	if ucp {
		literal = 3
	}
	quantified := false // whether the token before is a quantifier
	callEnd := 0        // the end of a \g<n> or \g'n' call read with its \g
	// Bytes after an escape that PCRE2 reads into it (lookbehindLengthsValid).
	absorbed, absorbing := 0, ""
	for _, t := range toks {
		text := re[t.start:t.end]
		if t.start < callEnd {
			continue
		}
		if absorbed > 0 && t.kind == tokLiteral && (absorbing == "" && text[0] < 0x80 || strings.Contains(absorbing, text)) {
			absorbed--
			continue
		}
		absorbed = 0
		if t.kind == tokSkipped || text == `\E` || text == `\Q\E` {
			continue // skipped as a comment: a quantifier after repeats the item before
		}
		wasQuantified := quantified
		quantified = t.kind == tokQuantifier
		switch t.kind {
		case tokLiteral:
			add(literal, false, false)
		case tokEscape:
			_, absorbed, absorbing = escapeLength(text)
			if n := oniguramaCall(re, t); n > 0 {
				callEnd = t.end + n
				add(9, true, false)
			} else if strings.HasPrefix(text, `\Q`) {
				add(literal*len(text), false, false)
			} else {
				add(5, false, false) // \k<n> of a duplicate name is OP_DNREF
			}
		case tokClass:
			if ucp || strings.Contains(text, `\p`) || strings.Contains(text, `\P`) {
				add(40+8*len(text), false, false)
			} else {
				add(33, false, false)
			}
		case tokOpen:
			add(0, false, false)
			g := frame{total: 8, lookbehind: lookbehindOpening(t, text), assertion: assertionOpening(t, text)}
			if g.lookbehind {
				g.total += 3
			}
			if t.flavour == groupCondition {
				g.total += len(text)
			}
			stack = append(stack, g)
		case tokAlternation:
			if stack[len(stack)-1].lookbehind {
				add(6, false, false)
			} else {
				add(3, false, false)
			}
		case tokClose:
			if len(stack) == 1 {
				return false
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			add(sumSize(f.total, f.last), true, f.assertion)
		case tokCall:
			switch {
			case strings.HasPrefix(text, "(?C"):
				add(10+len(text), false, false) // its string is in the code
			case strings.HasPrefix(text, "(?P="):
				add(5, false, false) // a back reference
			default:
				add(9, true, false) // repeated, wrapped in a group
			}
		case tokVerb:
			add(3+len(text), false, false)
		case tokSetting:
			add(2, false, false)
		case tokQuantifier:
			f := &stack[len(stack)-1]
			switch {
			case wasQuantified:
				f.last = sumSize(f.last, 8) // a possessive group is wrapped once
			case f.copied:
				lo, hi := quantifierCounts(re, t)
				f.last = repeatedGroupSize(f.last, lo, hi, f.asserted)
			default:
				f.last = sumSize(f.last, 16)
			}
		}
	}
	f := stack[0]
	return sumSize(sumSize(f.total, f.last), 7) <= maxCompiledSize
}

// lookbehindOpening reports whether t, its text text, opens a lookbehind.
func lookbehindOpening(t pcreToken, text string) bool {
	if t.flavour == groupVerb {
		text = alphaBracketed[strings.Trim(text, "(*:")]
	}
	return t.flavour == groupLookbehind || text == "(?<=" || text == "(?<!"
}

// assertionOpening reports whether t, its text text, opens an
// assertion, which PCRE2 repeats at most once more than its minimum.
func assertionOpening(t pcreToken, text string) bool {
	if t.flavour == groupVerb {
		text = alphaBracketed[strings.Trim(text, "(*:")]
	}
	return lookbehindOpening(t, text) || text == "(?=" || text == "(?!"
}

// oniguramaCall returns how many bytes after the escape t a \g<n> or
// \g'n' call takes up to its closing ">" or "'", 0 for another escape.
func oniguramaCall(re string, t pcreToken) int {
	if re[t.start:t.end] != `\g` || t.end >= len(re) || re[t.end] != '<' && re[t.end] != '\'' {
		return 0
	}
	closing := byte('>')
	if re[t.end] == '\'' {
		closing = '\''
	}
	end := strings.IndexByte(re[t.end+1:], closing)
	if end < 0 {
		return 0
	}
	return end + 2
}

// quantifierCounts returns the counts of the quantifier t, hi being
// unlimitedRepeat when it has no maximum.
func quantifierCounts(re string, t pcreToken) (lo, hi int) {
	switch re[t.start] {
	case '*':
		return 0, unlimitedRepeat
	case '+':
		return 1, unlimitedRepeat
	case '?':
		return 0, 1
	}
	lo, hi, end, _ := quantifier(re, t.start)
	if re[end-1] == ',' {
		hi = unlimitedRepeat
	}
	return lo, hi
}

// unlimitedRepeat is the maximum of a quantifier without one: *, +, {n,}.
const unlimitedRepeat = -1

// repeatedGroupSize returns an upper bound of the code of a group of size
// n repeated lo to hi times, as PCRE2 10.42 copies it: lo copies (one
// when lo is 0), and each optional one with OP_BRAZERO and a bracket
// (7 units); an assertion without a maximum is repeated to lo+1.
func repeatedGroupSize(n, lo, hi int, assertion bool) int {
	if hi == unlimitedRepeat && assertion {
		hi = lo + 1
	}
	size := productSize(n, max(lo, 1))
	if hi != unlimitedRepeat && hi > lo {
		optional := productSize(sumSize(n, 7), hi-lo)
		if lo == 0 {
			size = optional
		} else {
			size = sumSize(size, optional)
		}
	}
	return sumSize(size, 8)
}

// sumSize adds two sizes; a size past maxCompiledSize is kept as
// maxCompiledSize+1.
func sumSize(a, b int) int {
	return min(a+b, maxCompiledSize+1)
}

// productSize returns n times a size, as sumSize adds them.
func productSize(size, n int) int {
	if size > 0 && n > maxCompiledSize/size {
		return maxCompiledSize + 1
	}
	return size * n
}
