package yaml

import "iter"

// singleQuoted writes s (printable ASCII and '\n') in single quotes,
// doubling quotes, folding at single spaces past the width, and writing a
// line break as an empty line.
func (e *emitter) singleQuoted(s string) {
	e.indicator("'", true)
	spaces, breaks := false, false
	start := 0
	for end, c := range bytesThenEnd(s) {
		atEnd := end == len(s)
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

// bytesThenEnd yields each index of s with its byte, then len(s) with 0:
// PyYAML's scalar writers act on the end of the text as on one more byte.
func bytesThenEnd(s string) iter.Seq2[int, byte] {
	return func(yield func(int, byte) bool) {
		for i := 0; i < len(s); i++ {
			if !yield(i, s[i]) {
				return
			}
		}
		yield(len(s), 0)
	}
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
