// The x option of a pcre regex: the regex as PCRE2 reads it in x mode,
// and where the regex sets or unsets the option inside itself.

package rulecheck

import "strings"

// inlineExtended reports whether re, extended being the x flag, sets or
// unsets the x option inside it ((?x), (?-x:…), (?^), which unsets it,
// but not in a "#" comment), so that white space and "#" are read
// differently in parts of it.
func inlineExtended(re string, extended bool) bool {
	toks, _ := pcreTokens(re, extended)
	for _, t := range toks {
		if (t.kind == tokSetting || t.kind == tokOpen && t.flavour == groupOptions) &&
			strings.ContainsAny(re[t.start:t.end], "x^") {
			return true
		}
	}
	return false
}

// stripExtendedScoped returns re as PCRE2 10.42 reads it when its x
// option changes inside it, extended being the x flag: white space and
// "#" comments are removed where the option is on, as stripExtended
// removes them, and kept where it is off. It reports false for what
// pcreTokens refuses and for xx, which also skips white space in a class.
func stripExtendedScoped(re string, extended bool) (string, bool) {
	toks, ok := pcreTokens(re, extended)
	if !ok {
		return "", false
	}
	for _, t := range toks {
		if (t.kind == tokSetting || t.kind == tokOpen) && strings.Contains(re[t.start:t.end], "xx") {
			return "", false
		}
	}
	return withoutSkipped(re, toks), true
}

// stripExtended returns a pcre regex written with the x flag as PCRE
// reads it: without the white space and the "#" comments, to the end of
// the regex, outside character classes, escapes and (?#…) comments. A
// "{" that does not start a quantifier as written ({2, 3}) is escaped.
// A regex pcreTokens refuses is returned as it is.
func stripExtended(re string) string {
	toks, ok := pcreTokens(re, true)
	if !ok {
		return re
	}
	return withoutSkipped(re, toks)
}

// withoutSkipped returns re without the white space and "#" comments
// toks skip, with a "{" that is literal in x mode escaped, as white space
// inside it makes it.
func withoutSkipped(re string, toks []pcreToken) string {
	var b strings.Builder
	for _, t := range toks {
		switch {
		case t.kind == tokSkipped && !strings.HasPrefix(re[t.start:], "(?#"):
			continue
		case t.kind == tokLiteral && t.extended && re[t.start] == '{':
			b.WriteByte('\\')
		}
		b.WriteString(re[t.start:t.end])
	}
	return b.String()
}

// extendedSplitGroup reports whether a regex written with the x flag
// has white space inside the "(?" or between a "(" and a quantifier,
// which PCRE2 10.42 refuses and removing the white space would hide.
func extendedSplitGroup(re string) bool {
	toks, ok := pcreTokens(re, true)
	at := 0
	if n := len(toks); n > 0 {
		at = toks[n-1].end
	}
	return !ok && at < len(re) && re[at] == '(' && splitGroup(re[at+1:])
}
