package yaml

import (
	"regexp"
	"strings"
)

// Emitter settings of PyYAML's defaults.
const (
	bestWidth = 80
	// scalarIndent is the indentation of a folded scalar's continuation
	// lines inside a top-level block sequence.
	scalarIndent = 2
)

// emitter writes block sequence entries, keeping the state PyYAML's
// emitter keeps while writing them: the column, whether the last thing
// written was whitespace, and whether the line holds indentation only.
type emitter struct {
	buf        []byte
	column     int
	whitespace bool
	indention  bool
}

type style int

const (
	plain style = iota
	singleQuoted
	doubleQuoted
)

// item writes one entry of a top-level block sequence.
func (e *emitter) item(v string) {
	e.lineBreak()
	e.buf = append(e.buf, '-')
	e.column++
	e.whitespace = false
	if simple(v) && resolvesToString(v) {
		e.buf = append(e.buf, ' ')
		e.buf = append(e.buf, v...)
		e.column += 1 + len(v)
		e.indention = false
		return
	}
	switch chooseStyle(v) {
	case plain:
		e.plain(v)
	case singleQuoted:
		e.singleQuoted(v)
	default:
		e.doubleQuoted([]rune(v))
	}
}

func (e *emitter) write(s string) {
	e.buf = append(e.buf, s...)
	e.column += len(s)
}

func (e *emitter) lineBreak() {
	e.buf = append(e.buf, '\n')
	e.whitespace = true
	e.indention = true
	e.column = 0
}

// indicator writes a quote, preceded by a space unless whitespace was
// just written or none is needed.
func (e *emitter) indicator(s string, needWhitespace bool) {
	if !e.whitespace && needWhitespace {
		s = " " + s
	}
	e.write(s)
	e.whitespace = false
	e.indention = false
}

// indent starts a continuation line of the scalar being written.
func (e *emitter) indent() {
	if !e.indention || e.column > scalarIndent || (e.column == scalarIndent && !e.whitespace) {
		e.lineBreak()
	}
	if e.column < scalarIndent {
		e.whitespace = true
		e.buf = append(e.buf, strings.Repeat(" ", scalarIndent-e.column)...)
		e.column = scalarIndent
	}
}

// chooseStyle picks the style PyYAML picks for a string in a block
// sequence.
func chooseStyle(s string) style {
	a := analyze(s)
	switch {
	case a.special:
		return doubleQuoted
	case a.allowPlain && resolvesToString(s):
		return plain
	case a.allowSingle:
		return singleQuoted
	}
	return doubleQuoted
}

type analysis struct {
	special     bool // a character outside printable ASCII and '\n'
	allowPlain  bool
	allowSingle bool
}

// analyze finds what a block plain or single-quoted scalar could not
// carry. Every non-ASCII character is special, as unicode output is off,
// so only ASCII reaches the plain and single-quoted checks.
func analyze(s string) analysis {
	if s == "" {
		return analysis{allowPlain: true, allowSingle: true}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\n' && (c < 0x20 || c > 0x7e) {
			return analysis{special: true}
		}
	}
	blockIndicators := strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...")
	lineBreaks, leadingSpace, leadingBreak, trailingSpace, trailingBreak := false, false, false, false, false
	breakSpace, spaceBreak := false, false
	isWS := func(i int) bool { return i >= len(s) || s[i] == ' ' || s[i] == '\n' }
	precededByWS := true
	previousSpace, previousBreak := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		followedByWS := isWS(i + 1)
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				blockIndicators = true
			case '?', ':', '-':
				if followedByWS {
					blockIndicators = true
				}
			}
		} else if (c == ':' && followedByWS) || (c == '#' && precededByWS) {
			blockIndicators = true
		}
		switch c {
		case ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i == len(s)-1 {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		case '\n':
			lineBreaks = true
			if i == 0 {
				leadingBreak = true
			}
			if i == len(s)-1 {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWS = c == ' ' || c == '\n'
	}
	a := analysis{allowPlain: true, allowSingle: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || blockIndicators {
		a.allowPlain = false
	}
	if breakSpace || spaceBreak {
		a.allowPlain, a.allowSingle = false, false
	}
	return a
}

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
		case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
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
		if len(s) >= 10 && s[4] == '-' && s[0] >= '0' && s[0] <= '9' && timestampRE.MatchString(s) {
			return false
		}
	}
	return true
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

// plain writes s as a plain scalar (printable ASCII, no line break).
func (e *emitter) plain(s string) {
	if s == "" {
		return
	}
	if !e.whitespace {
		e.write(" ")
	}
	e.whitespace, e.indention = false, false
	spaces := false
	start := 0
	for end := 0; end <= len(s); end++ {
		atEnd := end == len(s)
		var c byte
		if !atEnd {
			c = s[end]
		}
		if spaces {
			if atEnd || c != ' ' {
				if start+1 == end && e.column > bestWidth {
					e.indent()
					e.whitespace, e.indention = false, false
				} else {
					e.write(s[start:end])
				}
				start = end
			}
		} else if atEnd || c == ' ' {
			e.write(s[start:end])
			start = end
		}
		if !atEnd {
			spaces = c == ' '
		}
	}
}

// singleQuoted writes s (printable ASCII and '\n') in single quotes,
// doubling quotes, folding at single spaces past the width, and writing a
// line break as an empty line.
func (e *emitter) singleQuoted(s string) {
	e.indicator("'", true)
	spaces, breaks := false, false
	start := 0
	for end := 0; end <= len(s); end++ {
		atEnd := end == len(s)
		var c byte
		if !atEnd {
			c = s[end]
		}
		switch {
		case spaces:
			if atEnd || c != ' ' {
				if start+1 == end && e.column > bestWidth && start != 0 && !atEnd {
					e.indent()
				} else {
					e.write(s[start:end])
				}
				start = end
			}
		case breaks:
			if atEnd || c != '\n' {
				if s[start] == '\n' {
					e.lineBreak()
				}
				for range end - start {
					e.lineBreak()
				}
				e.indent()
				start = end
			}
		default:
			if (atEnd || c == ' ' || c == '\n' || c == '\'') && start < end {
				e.write(s[start:end])
				start = end
			}
		}
		if !atEnd && c == '\'' {
			e.write("''")
			start = end + 1
		}
		if !atEnd {
			spaces, breaks = c == ' ', c == '\n'
		}
	}
	e.indicator("'", false)
}

// escapes are the short escapes of double-quoted scalars.
var escapes = map[rune]string{
	0: `\0`, 0x07: `\a`, 0x08: `\b`, 0x09: `\t`, 0x0a: `\n`, 0x0b: `\v`, 0x0c: `\f`,
	0x0d: `\r`, 0x1b: `\e`, '"': `\"`, '\\': `\\`, 0x85: `\N`, 0xa0: `\_`,
	0x2028: `\L`, 0x2029: `\P`,
}

const upperHex = "0123456789ABCDEF"

func escape(r rune) string {
	if s, ok := escapes[r]; ok {
		return s
	}
	var b []byte
	switch {
	case r <= 0xff:
		b = []byte{'\\', 'x', 0, 0}
	case r <= 0xffff:
		b = []byte{'\\', 'u', 0, 0, 0, 0}
	default:
		b = []byte{'\\', 'U', 0, 0, 0, 0, 0, 0, 0, 0}
	}
	for i := len(b) - 1; i >= 2; i-- {
		b[i] = upperHex[r&0xf]
		r >>= 4
	}
	return string(b)
}

func needsEscape(r rune) bool {
	return r < 0x20 || r > 0x7e || r == '"' || r == '\\'
}

// doubleQuoted writes s in double quotes with everything outside printable
// ASCII escaped, folding with a trailing '\' where PyYAML does.
func (e *emitter) doubleQuoted(s []rune) {
	e.indicator(`"`, true)
	n := len(s)
	start := 0
	for end := 0; end <= n; end++ {
		atEnd := end == n
		var c rune
		if !atEnd {
			c = s[end]
		}
		if atEnd || needsEscape(c) {
			if start < end {
				e.write(string(s[start:end]))
				start = end
			}
			if !atEnd {
				e.write(escape(c))
				start = end + 1
			}
		}
		if 0 < end && end < n-1 && (c == ' ' || start >= end) && e.column+(end-start) > bestWidth {
			var data string
			if start < end {
				data = string(s[start:end])
				start = end
			}
			e.write(data + `\`)
			e.indent()
			e.whitespace, e.indention = false, false
			if s[start] == ' ' {
				e.write(`\`)
			}
		}
	}
	e.indicator(`"`, false)
}
