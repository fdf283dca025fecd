package yaml

import (
	"regexp"
	"strings"
	"time"
)

// The YAML 1.1 implicit types PyYAML resolves plain scalars to, keyed by
// the first characters each applies to.
var (
	floatRE = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?` +
		`|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` +
		`|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*` +
		`|[-+]?\.(?:inf|Inf|INF)` +
		`|\.(?:nan|NaN|NAN))$`)
	intRE = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+` +
		`|[-+]?0[0-7_]+` +
		`|[-+]?(?:0|[1-9][0-9_]*)` +
		`|[-+]?0x[0-9a-fA-F_]+` +
		`|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	timestampRE = regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]` +
		`|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?` +
		`(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?` +
		`(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)
)

// resolvesToString reports whether s, written plain, reads back as a
// string rather than a bool, null, int, float, timestamp, merge key or
// value key. (A plain scalar never ends with a line break, so the
// trailing-newline leniency of the resolver's patterns does not matter.)
func resolvesToString(s string) bool {
	if s == "" {
		return false // null
	}
	switch s[0] {
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O':
		switch s {
		case "y", "Y", "n", "N", // YAML 1.1 bools PyYAML leaves out
			"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
			"false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
			"null", "Null", "NULL":
			return false
		}
	case '~':
		return s != "~"
	case '<':
		return s != "<<"
	case '=':
		return s != "="
	case '!', '&', '*':
		return len(s) != 1
	case '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if readsAsNumber(s) {
			return false
		}
		if !mayBeNumber(s) {
			return true
		}
		// Every float has a '.', every timestamp a '-' after four digits,
		// and an int has no letter but the b of 0b or the hex of 0x.
		if strings.IndexByte(s, '.') >= 0 && floatRE.MatchString(s) {
			return false
		}
		if s[0] != '.' && mayBeInt(s) && intRE.MatchString(s) {
			return false
		}
		if len(s) >= 8 && s[4] == '-' && s[0] >= '0' && s[0] <= '9' &&
			(timestampRE.MatchString(s) || readsAsDate(s)) {
			return false
		}
	}
	return true
}

// looseDateLayouts are the dates and times other YAML readers accept
// with one-digit fields (gopkg.in/yaml.v3, Ruby's Psych): "2024-1-5" is a
// string to PyYAML but a timestamp to them, so it is quoted.
var looseDateLayouts = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// readsAsDate reports whether a reader with one-digit date fields takes
// s for a timestamp.
func readsAsDate(s string) bool {
	for _, c := range s[:4] {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, layout := range looseDateLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// readsAsNumber reports whether gopkg.in/yaml.v3, a YAML 1.2 reader,
// takes the plain scalar s for a number where PyYAML reads a string: an
// int in Go syntax ("0o17", "0X1F", "0B1", underscores ignored) or a float
// with an exponent but no '.' ("1e5", ".5e3", and MD5s such as
// "0e462097431906509019562988736854", which it reads as 0).
func readsAsNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F',
			c == '.', c == '_', c == '+', c == '-', c == 'x', c == 'X', c == 'o', c == 'O':
		default:
			return false
		}
	}
	plain := strings.ReplaceAll(s, "_", "")
	if plain != "" && (plain[0] == '+' || plain[0] == '-') {
		plain = plain[1:]
	}
	return intSyntax(plain) || floatSyntax(plain)
}

// intSyntax reports whether s is an unsigned int in Go syntax: decimal
// digits, or 0x, 0o or 0b and digits of that base. Values too large for
// 64 bits count too: quoting them costs nothing.
func intSyntax(s string) bool {
	base := "0123456789"
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base, s = "0123456789abcdefABCDEF", s[2:]
		case 'o', 'O':
			base, s = "01234567", s[2:]
		case 'b', 'B':
			base, s = "01", s[2:]
		}
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(base, s[i]) < 0 {
			return false
		}
	}
	return s != ""
}

// floatSyntax reports whether s is digits with an optional fraction, or a
// fraction alone, then an optional exponent: yaml.v3's float pattern
// after the sign.
func floatSyntax(s string) bool {
	digits := func() int {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		s = s[n:]
		return n
	}
	n := digits()
	if s != "" && s[0] == '.' {
		s = s[1:]
		if f := digits(); n == 0 && f == 0 {
			return false
		}
	} else if n == 0 {
		return false
	}
	if s != "" && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s != "" && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		if digits() == 0 {
			return false
		}
	}
	return s == ""
}

// mayBeNumber is a quick filter before the patterns: a number or timestamp
// has at most one '.' and only the characters the patterns allow.
func mayBeNumber(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if dots++; dots > 1 {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F',
			c == '-', c == '+', c == '_', c == ':', c == 'x', c == 'b', c == 'T', c == 't',
			c == ' ', c == '\t', c == 'Z', c == 'i', c == 'n', c == 'I', c == 'N':
		default:
			return false
		}
	}
	return true
}

// mayBeInt is a quick filter before intRE.
func mayBeInt(s string) bool {
	u := strings.TrimLeft(s, "+-")
	if strings.HasPrefix(u, "0x") {
		return true
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; !(c >= '0' && c <= '9' || c == '_' || c == ':' || c == 'b') {
			return false
		}
	}
	return true
}

// simple reports whether s is printable ASCII without spaces, starts with
// a letter or digit and does not end with ':': nothing in it can be an
// indicator, so it is written plain unless it resolves to another type,
// and never folded.
func simple(s string) bool {
	if s == "" || s[len(s)-1] == ':' {
		return false
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}
