// The conditions of a pcre regex's conditional groups.

package rulecheck

import "strings"

// condition reads what a condition (?(c)…) tests: a group, by number
// (perhaps relative) or name, or a recursion into one (Rn, R&name), which
// must exist; R and DEFINE name no group, nor does VERSION with more
// after it, which must be a version test. (?(VERSION)…) names a group.
func (p *pcreEscapes) condition(c string) bool {
	switch {
	case c == "R" || c == "DEFINE":
		return true
	case strings.HasPrefix(c, "VERSION") && c != "VERSION":
		return versionCondition(c[len("VERSION"):])
	case strings.HasPrefix(c, "R&"):
		c = c[2:]
	case len(c) > 1 && c[0] == 'R' && strings.Trim(c[1:], "0123456789") == "":
		n, _, ok := p.number(c, 1, false)
		if n > 0 {
			p.numbers = append(p.numbers, n)
		}
		return ok
	case c != "" && strings.IndexByte("+-0123456789", c[0]) >= 0:
		n, end, ok := p.number(c, 0, true)
		p.numbers = append(p.numbers, n)
		return ok && end == len(c) && n > 0
	case len(c) > 1 && (c[0] == '<' && c[len(c)-1] == '>' || c[0] == '\'' && c[len(c)-1] == '\''):
		c = c[1 : len(c)-1]
	}
	p.refNames = append(p.refNames, c)
	return true
}

// maxMajorVersion is the largest major version PCRE2 10.42 reads in a
// VERSION condition.
const maxMajorVersion = 1000

// versionCondition reports whether s, following "(?(VERSION", is a
// version test PCRE2 10.42 reads: "=" or ">=", a major version to 1000,
// and perhaps "." and a minor version of one or two digits.
func versionCondition(s string) bool {
	s = strings.TrimPrefix(s, ">")
	major, minor, dotted := strings.Cut(strings.TrimPrefix(s, "="), ".")
	return strings.HasPrefix(s, "=") && isUint(major, maxMajorVersion) &&
		(!dotted || minor != "" && len(minor) <= 2 && strings.Trim(minor, "0123456789") == "")
}
