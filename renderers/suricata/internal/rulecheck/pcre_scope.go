// The x option of a pcre regex: the regex as PCRE2 reads it in x mode,
// and where the regex sets or unsets the option inside itself.

package rulecheck

import "strings"

// inlineExtended reports whether re sets or unsets the x option inside
// it ((?x), (?-x:…), (?^), which unsets it), so that white space and "#"
// are read differently in parts of it.
func inlineExtended(re string) bool {
	for i := 0; i < len(re); i++ {
		switch {
		case re[i] == '\\':
			i = escapeEnd(re, i)
		case strings.HasPrefix(re[i:], "(?"):
			rest := re[i+2:]
			if end := strings.IndexAny(rest, ":)"); end >= 0 && strings.Trim(rest[:end], "imnsxJU^-") == "" &&
				strings.ContainsAny(rest[:end], "x^") {
				return true
			}
		}
	}
	return false
}

// stripExtendedScoped returns re as PCRE2 10.42 reads it when its x
// option changes inside it, extended being the x flag: white space and
// "#" comments are removed where the option is on, as stripExtended
// removes them, and kept where it is off. An option setting lasts to the
// end of the group it is in, (?x:…) to its own ")". It reports false for
// white space PCRE2 refuses where the option is on (inside "(?", between
// "(" and a quantifier), for xx, which also skips white space in a
// class, and for an unclosed class.
func stripExtendedScoped(re string, extended bool) (string, bool) {
	var b strings.Builder
	var outer []bool // the x option of each open group's parent
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\':
			end := escapeEnd(re, i)
			b.WriteString(re[i : end+1])
			i = end
		case c == '[':
			end, ok := classEnd(re, i)
			if !ok {
				return "", false
			}
			b.WriteString(re[i : end+1])
			i = end
		case strings.HasPrefix(re[i:], "(?#"):
			end := strings.IndexByte(re[i:], ')')
			if end < 0 {
				return "", false
			}
			b.WriteString(re[i : i+end+1])
			i += end
		case c == '(':
			after := strings.TrimLeft(re[i+1:], " \t\n\r\f\v")
			if extended && (after != re[i+1:] && after != "" && strings.IndexByte("?*+", after[0]) >= 0 ||
				strings.HasPrefix(re[i+1:], "?") && len(re) > i+2 && strings.IndexByte(" \t\n\r\f\v", re[i+2]) >= 0) {
				return "", false
			}
			outer = append(outer, extended)
			b.WriteByte(c)
			rest := re[i+1:]
			end := strings.IndexAny(rest, ":)")
			if !strings.HasPrefix(rest, "?") || end < 0 || strings.Trim(rest[1:end], "imnsxJU^-") != "" {
				continue
			}
			if strings.Contains(rest[1:end], "xx") {
				return "", false
			}
			if rest[end] == ')' { // a setting for the rest of the group it is in
				outer = outer[:len(outer)-1]
			}
			extended = extendedAfter(rest[1:end], extended)
			b.WriteString(rest[:end+1])
			i += end + 1
		case c == ')':
			if n := len(outer); n > 0 {
				extended, outer = outer[n-1], outer[:n-1]
			}
			b.WriteByte(c)
		case !extended:
			b.WriteByte(c)
		case c == '#':
			end := strings.IndexByte(re[i:], '\n')
			if end < 0 {
				return b.String(), true
			}
			i += end
		case c == '{':
			if _, _, _, ok := quantifier(re, i); !ok {
				b.WriteByte('\\') // a literal, as white space inside makes it
			}
			b.WriteByte(c)
		case strings.IndexByte(" \t\n\r\f\v", c) < 0:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// stripExtended returns a pcre regex written with the x flag as PCRE
// reads it: without the white space and the "#" comments, to the end of
// the regex, outside character classes, escapes and (?#…) comments. A
// "{" that does not start a quantifier as written ({2, 3}) is escaped.
func stripExtended(re string) string {
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			end := escapeEnd(re, i)
			b.WriteString(re[i : end+1])
			i = end
		case c == '[':
			end, ok := classEnd(re, i)
			if !ok {
				return b.String() + re[i:]
			}
			b.WriteString(re[i : end+1])
			i = end
		case strings.HasPrefix(re[i:], "(?#"):
			end := strings.IndexByte(re[i:], ')')
			if end < 0 {
				return b.String() + re[i:]
			}
			b.WriteString(re[i : i+end+1])
			i += end
		case c == '#':
			return b.String()
		case c == '{':
			if _, _, _, ok := quantifier(re, i); !ok {
				b.WriteByte('\\') // a literal, as white space inside makes it
			}
			b.WriteByte(c)
		case strings.IndexByte(" \t\n\r\f\v", c) < 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// extendedSplitGroup reports whether a regex written with the x flag
// has white space inside the "(?" or between a "(" and a quantifier,
// which PCRE2 10.42 refuses and removing the white space would hide.
func extendedSplitGroup(re string) bool {
	for i := 0; i < len(re); i++ {
		switch {
		case re[i] == '\\':
			i = escapeEnd(re, i)
		case re[i] == '[':
			end, ok := classEnd(re, i)
			if !ok {
				return false
			}
			i = end
		case re[i] == '#':
			if end := strings.IndexByte(re[i:], '\n'); end >= 0 {
				i += end
			} else {
				return false
			}
		case strings.HasPrefix(re[i:], "(?#"):
			if end := strings.IndexByte(re[i:], ')'); end >= 0 {
				i += end
			}
		case re[i] == '(':
			after := strings.TrimLeft(re[i+1:], " \t\n\r\f\v")
			if after != re[i+1:] && after != "" && strings.IndexByte("?*+", after[0]) >= 0 ||
				strings.HasPrefix(re[i+1:], "?") && len(re) > i+2 && strings.IndexByte(" \t\n\r\f\v", re[i+2]) >= 0 {
				return true
			}
		}
	}
	return false
}
