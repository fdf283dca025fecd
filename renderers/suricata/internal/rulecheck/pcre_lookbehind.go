// The lengths of the groups inside a pcre lookbehind.

package rulecheck

import "strings"

// maxLookbehind is the longest branch of a lookbehind PCRE2 10.42 takes.
const maxLookbehind = 65535

// unknownLength is the length of what the renderer does not measure.
const unknownLength = -1

// lookbehindLengthsValid reports whether, in the tokens of re, every group
// inside a lookbehind with more than one alternative has alternatives the
// renderer measures as of one length, as PCRE2 10.42 wants them
// ((?<=(\?|&)) passes, (?<=(a|bc)) does not), and no branch of a
// lookbehind, or of a group in one, is longer than 65535 after any of its
// items, as PCRE2 counts it (before a quantifier: (?<=a{65535}b{0}) is
// refused). The rest of a lookbehind
// (quantifiers, back references, \R…) pcreStructureValid checks.
func lookbehindLengthsValid(re string, toks []pcreToken) bool {
	type group struct {
		lookbehind, counted, zero bool
		alternatives              int
		// The lengths of the first and current alternatives, of the last
		// item and of the current alternative before it.
		first, current, last, before int
	}
	stack := []group{{first: unknownLength}}
	tooLong := false // whether a lookbehind's branch was longer than maxLookbehind at some item
	// add appends an item of length n to the innermost group.
	add := func(n int) {
		g := &stack[len(stack)-1]
		g.before, g.current, g.last = g.current, sumLength(g.current, n), n
		tooLong = tooLong || g.counted && g.current > maxLookbehind
	}
	// endAlternative closes the current alternative of the innermost group.
	endAlternative := func() bool {
		g := &stack[len(stack)-1]
		g.alternatives++
		current := g.current
		g.current = 0
		switch {
		case g.lookbehind:
		case !g.counted:
		case g.alternatives == 1:
			g.first = current
		case g.first == unknownLength || current != g.first:
			return false
		}
		return true
	}
	// Bytes after an escape token that PCRE2 reads into it: up to two hex
	// digits after \x, two octal digits after \0, the name after \p.
	absorbed, absorbing := 0, ""
	for _, t := range toks {
		text := re[t.start:t.end]
		if absorbed > 0 && t.kind == tokLiteral && (absorbing == "" && text[0] < 0x80 || strings.Contains(absorbing, text)) {
			absorbed--
			continue
		}
		absorbed = 0
		switch t.kind {
		case tokOpen:
			lookbehind := t.flavour == groupLookbehind
			stack = append(stack, group{lookbehind: lookbehind, counted: lookbehind || stack[len(stack)-1].counted,
				zero: lookbehind || text == "(?=" || text == "(?!"})
		case tokAlternation:
			if !endAlternative() {
				return false
			}
		case tokClose:
			if len(stack) == 1 || !endAlternative() {
				return false
			}
			g := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if g.zero {
				g.first = 0
			}
			add(g.first)
		case tokQuantifier:
			g := &stack[len(stack)-1]
			if lo, hi, _, ok := quantifier(re, t.start); ok && lo == hi && g.last != unknownLength {
				g.last = productLength(g.last, lo)
				g.current = sumLength(g.before, g.last)
				tooLong = tooLong || g.counted && g.current > maxLookbehind
			} else {
				g.current, g.last = unknownLength, unknownLength
			}
		case tokEscape:
			var n int
			n, absorbed, absorbing = escapeLength(text)
			if quoted := strings.HasPrefix(text, `\Q`) || text == `\E`; quoted && n > 1 {
				// A quantifier after a quotation repeats its last character.
				add(n - 1)
				add(1)
			} else if !quoted || n != 0 {
				add(n) // an empty quotation is skipped, as a comment is
			}
		case tokClass:
			add(1)
		case tokLiteral:
			switch {
			case text == "^" || text == "$":
				add(0)
			case text[0] >= 0x80:
				add(unknownLength)
			default:
				add(1)
			}
		case tokVerb:
			add(0) // a backtracking verb matches nothing, whatever its name
		case tokSkipped, tokSetting:
		default:
			add(unknownLength)
		}
	}
	return !tooLong
}

// sumLength adds two lengths, unknown if either is; a length past
// maxLookbehind is kept as maxLookbehind+1.
func sumLength(a, b int) int {
	if a == unknownLength || b == unknownLength {
		return unknownLength
	}
	return min(a+b, maxLookbehind+1)
}

// productLength returns n times a length, as sumLength adds them.
func productLength(length, n int) int {
	if length == unknownLength {
		return unknownLength
	}
	if length > 0 && n > maxLookbehind/length {
		return maxLookbehind + 1
	}
	return length * n
}

// escapeLength returns how many characters an escape token matches as
// PCRE2 10.42 reads it (unknownLength for those the renderer does not
// measure), and how many literal bytes after the token PCRE2 reads into
// it, of which bytes ("" for any ASCII byte): the hex digits of \x41, the
// octal ones of \012, the name of \pL.
func escapeLength(text string) (n, absorbed int, absorbing string) {
	const hex, octal = "0123456789abcdefABCDEF", "01234567"
	switch {
	case text == `\x`:
		return 1, 2, hex
	case text == `\0`:
		return 1, 2, octal
	case text == `\p` || text == `\P`:
		return 1, 1, ""
	case strings.HasPrefix(text, `\Q`) || text == `\E`:
		quoted := strings.TrimSuffix(strings.TrimPrefix(text, `\Q`), `\E`)
		if strings.IndexFunc(quoted, func(r rune) bool { return r >= 0x80 }) >= 0 {
			return unknownLength, 0, ""
		}
		return len(quoted), 0, ""
	case len(text) == 2 && strings.IndexByte("bBAzZG", text[1]) >= 0:
		return 0, 0, ""
	case len(text) == 2 && strings.IndexByte("dDwWsShHvVNaefnrt", text[1]) >= 0,
		len(text) == 3 && strings.HasPrefix(text, `\c`) && text[2] < 0x80,
		strings.HasPrefix(text, `\x{`), strings.HasPrefix(text, `\o{`),
		strings.HasPrefix(text, `\p{`), strings.HasPrefix(text, `\P{`),
		len(text) == 2 && text[1] < 0x80 && !isLetter(text[1]) && !isDigit(text[1]):
		return 1, 0, ""
	}
	return unknownLength, 0, ""
}
