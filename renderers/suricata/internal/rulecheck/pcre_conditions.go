// The conditions of a pcre regex's conditional groups.

package rulecheck

import "strings"

// condition reads what a condition (?(c)…) tests: a group, by number
// (perhaps relative) or name, or a recursion into one (Rn, R&name), which
// must exist; R, DEFINE and VERSION… name no group.
func (p *pcreEscapes) condition(c string) bool {
	switch {
	case c == "R" || c == "DEFINE" || strings.HasPrefix(c, "VERSION"):
		return true
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
