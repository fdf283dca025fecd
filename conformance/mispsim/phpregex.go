package mispsim

import (
	"fmt"
	"regexp"
	"strings"
)

// compilePHPRegex turns a PCRE pattern with delimiters and modifiers, as
// warninglists write them ("/^abc$/i"), into a Go regexp. Modifiers PHP
// rejects (such as "g") make the pattern fail, as preg_match does; PCRE
// features RE2 lacks (look-around, back-references) fail too.
func compilePHPRegex(p string) (*regexp.Regexp, error) {
	p = strings.TrimLeft(p, " \t\n\r\v\f")
	if p == "" {
		return nil, fmt.Errorf("empty regular expression")
	}
	open := p[0]
	if open == '\\' || open >= 0x80 || isAlnum(open) {
		return nil, fmt.Errorf("delimiter must not be alphanumeric, backslash or non-ASCII")
	}
	closing := open
	switch open {
	case '(':
		closing = ')'
	case '[':
		closing = ']'
	case '{':
		closing = '}'
	case '<':
		closing = '>'
	}
	end := -1
	depth := 0
	for i := 1; i < len(p); i++ {
		c := p[i]
		if c == '\\' {
			i++
			continue
		}
		if closing != open && c == open {
			depth++
			continue
		}
		if c == closing {
			if depth > 0 {
				depth--
				continue
			}
			end = i
			break
		}
	}
	if end < 0 {
		return nil, fmt.Errorf("no ending delimiter %q", closing)
	}
	body, mods := p[1:end], p[end+1:]
	var flags, prefix string
	for i := 0; i < len(mods); i++ {
		switch mods[i] {
		case 'i':
			flags += "i"
		case 'm':
			flags += "m"
		case 's':
			flags += "s"
		case 'U':
			flags += "U"
		case 'A':
			prefix = `\A`
		case 'u', 'D', 'S', 'X', 'J', 'n', '\n', '\r', ' ':
		case 'x':
			return nil, fmt.Errorf("extended patterns are not supported")
		default:
			return nil, fmt.Errorf("unknown modifier %q", mods[i])
		}
	}
	expr := prefix + "(?:" + body + ")"
	if flags != "" {
		expr = "(?" + flags + ")" + expr
	}
	return regexp.Compile(expr)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
