package yaml

import (
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
			leadingSpace = leadingSpace || i == 0
			trailingSpace = trailingSpace || i == len(s)-1
			breakSpace = breakSpace || previousBreak
			previousSpace, previousBreak = true, false
		case '\n':
			lineBreaks = true
			leadingBreak = leadingBreak || i == 0
			trailingBreak = trailingBreak || i == len(s)-1
			spaceBreak = spaceBreak || previousSpace
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
	for end, c := range bytesThenEnd(s) {
		atEnd := end == len(s)
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
