// Escapes, group names and quantifiers of a pcre regex as PCRE2 10.42
// reads them.

package rulecheck

import "strings"

// maxGroupNumber is the highest group number PCRE2 reads.
const maxGroupNumber = 65535

// pcreEscapes reads the escapes of a regex as PCRE2 10.42 reads them
// when Suricata 7 compiles it: 8-bit, not UTF. It reports false for one PCRE2 refuses: an unknown letter
// (\i, \q), one PCRE2 does not support (\F, \L, \l, \U, \u, \N{name},
// \N{U+hh}), \g, \k, \o, \p, \P, \x{…} or \c without what they need, a
// code point above \xff, a property \p{…} PCRE2 does not know, an escape
// a character class cannot hold ([\B], [\R], [\N], [\k]…), or a back
// reference, subroutine call or condition to a group that does not
// exist, or a name given to two groups before a J option allows it. Where
// the n option makes the numbers of the groups uncertain, a reference by
// number is refused.
type pcreEscapes struct {
	re        string
	groups    int      // the capture groups opened so far
	open      []branch // the groups open, innermost last
	names     map[string]bool
	props     [][2]int // the offsets of the \\ and last byte of each \\p or \\P
	numbers   []int    // the groups referred to by number
	refNames  []string // the groups referred to by name
	uncertain bool     // whether groups are not numbered in order
	dupNames  bool     // whether the J option allows a name twice
}

// branch is an open group: a branch reset (?| numbers the groups of each
// of its alternatives from where it starts, and those after it from the
// highest. An option set inside a group ends with it, so dupNames is the
// J option to restore when it closes.
type branch struct {
	reset, dupNames bool
	start, high     int
}

// pcreEscapesValid reports whether PCRE2 reads every escape of re, the
// x flag being extended, and every group it refers to exists: what a "#"
// comment of the x mode holds is not read, but for a "\\" ending the
// regex. It returns re with each property written \\pL or \\PL, for
// Go's regexp/syntax, which knows fewer (\\p{Xwd}, \\p{sc:Latn}, \\pl).
func pcreEscapesValid(re string, extended bool) (string, bool) {
	p := &pcreEscapes{re: re, names: map[string]bool{}}
	toks, ok := pcreTokens(re, extended)
	if trailing := len(re) - len(strings.TrimRight(re, `\`)); !ok || trailing%2 == 1 {
		return "", false // Suricata 7 does not end the regex at a "/" after a lone "\"
	}
	next := 0 // the offset after what the last token read took
	for _, t := range toks {
		if t.start < next {
			continue
		}
		end, ok := t.end-1, true
		switch t.kind {
		case tokEscape:
			end, ok = p.escape(t.start)
		case tokClass:
			end, ok = p.class(t.start)
		case tokOpen, tokSetting, tokCall:
			if end, ok = p.group(t.start); t.kind != tokOpen && end < t.end-1 {
				p.branchEnd(true) // a setting or call ends with its ")"
				end = t.end - 1
			}
		case tokAlternation, tokClose:
			p.branchEnd(t.kind == tokClose)
		}
		if !ok {
			return "", false
		}
		next = max(end+1, t.start+1)
	}
	for _, n := range p.numbers {
		if n > p.groups || p.uncertain {
			return "", false
		}
	}
	for _, name := range p.refNames {
		if !p.names[name] {
			return "", false
		}
	}
	return p.goForm(), true
}

// branchEnd ends an alternative of the innermost open group, or the
// group itself when closed.
func (p *pcreEscapes) branchEnd(closed bool) {
	n := len(p.open)
	if n == 0 {
		return
	}
	b := &p.open[n-1]
	if b.reset {
		b.high = max(b.high, p.groups)
		if p.groups = b.start; closed {
			p.groups = b.high
		}
	}
	if closed {
		p.dupNames = b.dupNames
		p.open = p.open[:n-1]
	}
}

// group reads the "(" at re[i]: a comment is skipped, a capture
// group counted (with its name), a call by name or number noted.
func (p *pcreEscapes) group(i int) (int, bool) {
	rest := p.re[i+1:]
	if strings.HasPrefix(rest, "?#") {
		end := strings.IndexByte(rest, ')')
		return i + 1 + end, end >= 0
	}
	p.open = append(p.open, branch{reset: strings.HasPrefix(rest, "?|"), dupNames: p.dupNames, start: p.groups, high: p.groups})
	switch {
	case !strings.HasPrefix(rest, "?"):
		p.groups++
	case strings.HasPrefix(rest, "?<=") || strings.HasPrefix(rest, "?<!"):
	case strings.HasPrefix(rest, "?<"), strings.HasPrefix(rest, "?'"), strings.HasPrefix(rest, "?P<"):
		start := strings.IndexAny(rest, "<'") + 1
		name, end, ok := groupName(rest, start, map[byte]byte{'<': '>', '\'': '\''}[rest[start-1]])
		p.groups++
		if p.names[name] && !p.dupNames {
			return i, false
		}
		p.names[name] = true
		return i + 1 + end, ok
	case strings.HasPrefix(rest, "?(") && len(rest) > 2 && rest[2] != '?' && rest[2] != '*':
		end := strings.IndexByte(rest, ')') // a condition: a group number, name or recursion
		if end < 0 {
			return i, false
		}
		return i + 1 + end, p.condition(rest[2:end])
	case strings.HasPrefix(rest, "?P="), strings.HasPrefix(rest, "?P>"), strings.HasPrefix(rest, "?&"):
		start := strings.IndexAny(rest, "=>&") + 1
		name, end, ok := groupName(rest, start, ')')
		p.refNames = append(p.refNames, name)
		p.open = p.open[:len(p.open)-1]
		return i + 1 + end, ok
	case len(rest) > 1 && strings.IndexByte("+-0123456789", rest[1]) >= 0:
		n, end, ok := p.number(rest, 1, true)
		if !ok || end >= len(rest) || rest[end] != ')' {
			if len(rest) > 2 && rest[1] == '-' && !isDigit(rest[2]) { // (?-i) is an option
				p.options(rest)
				return i, true
			}
			return i, false
		}
		p.numbers = append(p.numbers, n)
		p.open = p.open[:len(p.open)-1]
		return i + 1 + end, true
	default:
		p.options(rest)
	}
	return i, true
}

// options reads the options a group sets, rest following its "(": the n
// option makes group numbers uncertain, and J allows a name twice until
// the group, or for (?J) the group around it, closes.
func (p *pcreEscapes) options(rest string) {
	end := strings.IndexAny(rest, ":)")
	if end < 0 || strings.Trim(rest[1:end], "imnsxJU^-") != "" {
		return
	}
	if strings.Contains(rest[1:end], "n") {
		p.uncertain = true
	}
	if set, unset, _ := strings.Cut(rest[1:end], "-"); strings.Contains(set, "J") {
		p.dupNames = true
	} else if strings.Contains(unset, "J") {
		p.dupNames = false
	}
	if rest[end] == ')' {
		p.open[len(p.open)-1].dupNames = p.dupNames
	}
}

// escape reads the escape at re[i] outside a character class and returns
// the offset of its last byte.
func (p *pcreEscapes) escape(i int) (int, bool) {
	re := p.re
	if i+1 >= len(re) {
		return i, false
	}
	c := re[i+1]
	switch {
	case !isAlnum(c) || strings.IndexByte("abdefhnrstvwzABCDEGHKRSVWXZ0", c) >= 0:
		return i + 1, true
	case c == 'Q':
		return escapeEnd(re, i), true
	case c == 'N':
		if !strings.HasPrefix(re[i+2:], "{") {
			return i + 1, true
		}
		return i + 1, validQuantifier(re[i+2:])
	case c == 'c', c == 'x', c == 'o', c == 'p', c == 'P':
		return p.character(i)
	case c >= '1' && c <= '9':
		n, end, ok := p.number(re, i+1, false)
		if ok && (n < 10 || n <= p.groups) || c >= '8' {
			p.numbers = append(p.numbers, n)
			return end - 1, ok
		}
		return octalEnd(re, i+1)
	case c == 'g':
		return p.gReference(i + 2)
	case c == 'k':
		if i+2 >= len(re) || strings.IndexByte("<'{", re[i+2]) < 0 {
			return i, false
		}
		name, end, ok := groupName(re, i+3, map[byte]byte{'<': '>', '\'': '\'', '{': '}'}[re[i+2]])
		p.refNames = append(p.refNames, name)
		return end, ok
	}
	return i, false
}

// gReference reads what follows \g at re[i]: a back reference (\g1,
// \g-1, \g{1}, \g{name}) or a subroutine call (\g<1>, \g'name', \g<0>).
func (p *pcreEscapes) gReference(i int) (int, bool) {
	re := p.re
	if i >= len(re) {
		return i, false
	}
	switch re[i] {
	case '<', '\'', '{':
		close := map[byte]byte{'<': '>', '\'': '\'', '{': '}'}[re[i]]
		if n, end, ok := p.number(re, i+1, true); ok {
			if end >= len(re) || re[end] != close || n == 0 && close == '}' {
				return i, false
			}
			p.numbers = append(p.numbers, n)
			return end, true
		}
		if i+1 < len(re) && (re[i+1] == '+' || re[i+1] == '-') {
			return i, false
		}
		name, end, ok := groupName(re, i+1, close)
		p.refNames = append(p.refNames, name)
		return end, ok
	}
	n, end, ok := p.number(re, i, true)
	if ok && n > 0 {
		p.numbers = append(p.numbers, n)
	}
	return end - 1, ok && n > 0
}

// number reads a group number at s[i], relative to the groups opened so
// far after a sign when signed: the number, the offset after it, and
// whether there is one that may name a group.
func (p *pcreEscapes) number(s string, i int, signed bool) (int, int, bool) {
	sign := byte(0)
	if signed && i < len(s) && (s[i] == '+' || s[i] == '-') {
		sign, i = s[i], i+1
	}
	start, n := i, 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		if n = n*10 + int(s[i]-'0'); n > maxGroupNumber {
			return 0, i, false
		}
	}
	switch {
	case i == start:
		return 0, i, false
	case sign == '+' && n > 0:
		n += p.groups
	case sign == '-' && n > 0 && n <= p.groups:
		n = p.groups - n + 1
	case sign != 0:
		return 0, i, false
	}
	return n, i, n <= maxGroupNumber
}

// character reads \c, \x, \o, \p or \P at re[i], in a character class
// or out of one, and returns the offset of its last byte.
func (p *pcreEscapes) character(i int) (int, bool) {
	re := p.re
	switch re[i+1] {
	case 'c':
		return i + 2, i+2 < len(re) && re[i+2] >= 32 && re[i+2] <= 126
	case 'x':
		if !strings.HasPrefix(re[i+2:], "{") {
			return i + 1, true
		}
		return codePointEnd(re, i+3, 16)
	case 'o':
		if !strings.HasPrefix(re[i+2:], "{") {
			return i, false
		}
		return codePointEnd(re, i+3, 8)
	}
	end, ok := propertyEnd(re, i+2)
	p.props = append(p.props, [2]int{i, end})
	return end, ok
}

// goForm returns the regex with each property written \\pL or \\PL.
func (p *pcreEscapes) goForm() string {
	var b strings.Builder
	last := 0
	for _, span := range p.props {
		b.WriteString(p.re[last:span[0]] + `\` + p.re[span[0]+1:span[0]+2] + "L")
		last = span[1] + 1
	}
	return b.String() + p.re[last:]
}

// class reads the character class opened at re[i] and returns the offset
// of its "]".
func (p *pcreEscapes) class(i int) (int, bool) {
	end, ok := classEnd(p.re, i)
	if !ok {
		return i, false
	}
	for j := i + 1; j < end; j++ {
		if p.re[j] != '\\' {
			continue
		}
		c := p.re[j+1]
		switch {
		case !isAlnum(c) || strings.IndexByte("abdefgnrstvwDEHSVWh89", c) >= 0:
			j++
		case c == 'Q':
			j = escapeEnd(p.re, j)
		case c >= '0' && c <= '7':
			j, ok = octalEnd(p.re, j+1)
		case c == 'c', c == 'x', c == 'o', c == 'p', c == 'P':
			j, ok = p.character(j)
		default:
			ok = false
		}
		if !ok {
			return i, false
		}
	}
	return end, true
}

// octalEnd reads the octal escape whose first digit is at re[i], up to
// three digits, and returns the offset of its last one: PCRE2 refuses a
// value above \377.
func octalEnd(re string, i int) (int, bool) {
	n, j := 0, i
	for ; j < len(re) && j < i+3 && re[j] >= '0' && re[j] <= '7'; j++ {
		n = n*8 + int(re[j]-'0')
	}
	return j - 1, n <= 0xff
}

// codePointEnd reads the digits of \x{…} or \o{…} from re[i] in base 16
// or 8 and returns the offset of the "}": at least one digit, only
// digits, a value to \xff.
func codePointEnd(re string, i, base int) (int, bool) {
	n, j := 0, i
	for ; j < len(re); j++ {
		d := strings.IndexByte("0123456789abcdef", re[j]|0x20)
		if d < 0 || d >= base || re[j] < '0' {
			break
		}
		if n = n*base + d; n > 0xff {
			return j, false
		}
	}
	return j, j > i && j < len(re) && re[j] == '}'
}

// groupName reads a group name at s[i] up to its close byte, as PCRE2
// reads one: a letter or "_" first, then letters, digits and "_", at most
// 32; it returns the offset of close.
func groupName(s string, i int, close byte) (string, int, bool) {
	j := i
	for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
		j++
	}
	ok := j > i && !isDigit(s[i]) && j-i <= 32 && j < len(s) && s[j] == close
	return s[i:j], j, ok
}
