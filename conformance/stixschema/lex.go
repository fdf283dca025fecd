package stixschema

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token of the STIX 2.1 patterning grammar, as
// the lexer below reads it.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tIdentHyphen
	tString
	tInt
	tIntNeg
	tFloat
	tFloatNeg
	tHex
	tBinary
	tBool
	tTimestamp
	tAnd
	tOr
	tNot
	tFollowedBy
	tLike
	tMatches
	tIsSuperset
	tIsSubset
	tExists
	tLast
	tIn
	tStart
	tStop
	tSeconds
	tWithin
	tRepeats
	tTimes
	tEQ
	tNEQ
	tLT
	tLE
	tGT
	tGE
	tColon
	tDot
	tComma
	tLParen
	tRParen
	tLBrack
	tRBrack
	tStar
)

var keywords = map[string]tokKind{
	"AND": tAnd, "OR": tOr, "NOT": tNot, "FOLLOWEDBY": tFollowedBy,
	"LIKE": tLike, "MATCHES": tMatches, "ISSUPERSET": tIsSuperset,
	"ISSUBSET": tIsSubset, "EXISTS": tExists, "LAST": tLast, "IN": tIn,
	"START": tStart, "STOP": tStop, "SECONDS": tSeconds, "WITHIN": tWithin,
	"REPEATS": tRepeats, "TIMES": tTimes, "TRUE": tBool, "FALSE": tBool,
}

// operators are the punctuation tokens, each two-character one before
// the one-character token it starts with.
var operators = []struct {
	text string
	kind tokKind
}{
	{"==", tEQ}, {"!=", tNEQ}, {"<>", tNEQ}, {"<=", tLE}, {">=", tGE},
	{".", tDot}, {"=", tEQ}, {"<", tLT}, {">", tGT}, {":", tColon}, {",", tComma},
	{"(", tLParen}, {")", tRParen}, {"[", tLBrack}, {"]", tRBrack}, {"*", tStar},
}

type token struct {
	kind tokKind
	text string
	pos  int
	err  error
}

type lexer struct {
	src string
	pos int
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '-' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() error {
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		switch {
		case isPatternSpace(r):
			l.pos += n
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return fmt.Errorf("at offset %d: unterminated comment", l.pos)
			}
			l.pos += end + 4
		case strings.HasPrefix(l.src[l.pos:], "//"):
			end := strings.IndexAny(l.src[l.pos:], "\r\n")
			if end < 0 {
				end = len(l.src) - l.pos
			}
			l.pos += end
		default:
			return nil
		}
	}
	return nil
}

func isPatternSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\n', '\v', '\f', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func (l *lexer) next() token {
	if err := l.skipSpace(); err != nil {
		return token{err: err, pos: l.pos}
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: start}
	}
	c := l.src[l.pos]
	tok := func(k tokKind, n int) token {
		l.pos += n
		return token{kind: k, text: l.src[start:l.pos], pos: start}
	}
	two := ""
	if l.pos+1 < len(l.src) {
		two = l.src[l.pos : l.pos+2]
	}
	switch {
	case c == '\'':
		return l.stringLit(start)
	case (c == 'h' || c == 'b' || c == 't') && two == string(c)+"'":
		return l.prefixedLit(start, c)
	case isIdentStart(c):
		end := l.pos
		hyphen := false
		for end < len(l.src) && isIdentChar(l.src[end]) {
			hyphen = hyphen || l.src[end] == '-'
			end++
		}
		word := l.src[l.pos:end]
		if hyphen {
			return tok(tIdentHyphen, end-l.pos)
		}
		if k, ok := keywords[strings.ToUpper(word)]; ok {
			return tok(k, end-l.pos)
		}
		return tok(tIdent, end-l.pos)
	case isDigit(c), (c == '.' || c == '+' || c == '-') && l.pos+1 < len(l.src) && (isDigit(l.src[l.pos+1]) || l.src[l.pos+1] == '.'):
		return l.number(start)
	}
	for _, op := range operators {
		if strings.HasPrefix(l.src[l.pos:], op.text) {
			return tok(op.kind, len(op.text))
		}
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	return token{err: fmt.Errorf("at offset %d: unexpected character %q", start, r), pos: start}
}

// stringLit lexes '…' in which only \' and \\ are escapes.
func (l *lexer) stringLit(start int) token {
	i := start + 1
	for i < len(l.src) {
		switch l.src[i] {
		case '\\':
			if i+1 >= len(l.src) || (l.src[i+1] != '\'' && l.src[i+1] != '\\') {
				return token{err: fmt.Errorf("at offset %d: invalid escape in string literal (only \\' and \\\\ are allowed)", i), pos: i}
			}
			i += 2
		case '\'':
			l.pos = i + 1
			return token{kind: tString, text: l.src[start:l.pos], pos: start}
		default:
			i++
		}
	}
	return token{err: fmt.Errorf("at offset %d: unterminated string literal", start), pos: start}
}

// prefixedLit lexes h'hex', b'base64' and t'timestamp'.
func (l *lexer) prefixedLit(start int, prefix byte) token {
	end := strings.IndexByte(l.src[start+2:], '\'')
	if end < 0 {
		return token{err: fmt.Errorf("at offset %d: unterminated %c'' literal", start, prefix), pos: start}
	}
	body := l.src[start+2 : start+2+end]
	l.pos = start + 2 + end + 1
	var kind tokKind
	var ok bool
	switch prefix {
	case 'h':
		kind, ok = tHex, validHex(body)
	case 'b':
		kind, ok = tBinary, validBase64(body)
	default:
		kind, ok = tTimestamp, validTimestamp(body)
	}
	if !ok {
		return token{err: fmt.Errorf("at offset %d: malformed %c'' literal %q", start, prefix, body), pos: start}
	}
	return token{kind: kind, text: l.src[start:l.pos], pos: start}
}

func validHex(s string) bool {
	if len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func validBase64(s string) bool {
	if len(s)%4 != 0 {
		return false
	}
	pad := len(s) - len(strings.TrimRight(s, "="))
	if pad > 2 {
		return false
	}
	for i := 0; i < len(s)-pad; i++ {
		c := s[i]
		if !isIdentStart(c) && !isDigit(c) && c != '+' && c != '/' || c == '_' {
			return false
		}
	}
	return true
}

// validTimestamp checks YYYY-MM-DDTHH:MM:SS[.frac]Z with the grammar's
// ranges (month 01-12, day 01-31, hour 00-23, second up to 60).
func validTimestamp(s string) bool {
	if len(s) < 20 || s[len(s)-1] != 'Z' {
		return false
	}
	shape := "dddd-dd-ddTdd:dd:dd"
	for i := 0; i < len(shape); i++ {
		if shape[i] == 'd' && !isDigit(s[i]) || shape[i] != 'd' && s[i] != shape[i] {
			return false
		}
	}
	num := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	if m := num(5); m < 1 || m > 12 {
		return false
	}
	if d := num(8); d < 1 || d > 31 {
		return false
	}
	if num(11) > 23 || num(14) > 59 || num(17) > 60 {
		return false
	}
	frac := s[19 : len(s)-1]
	if frac == "" {
		return true
	}
	if frac[0] != '.' || len(frac) < 2 {
		return false
	}
	for i := 1; i < len(frac); i++ {
		if !isDigit(frac[i]) {
			return false
		}
	}
	return true
}

// number lexes [+-]? ('0' | [1-9][0-9]*) and [+-]? [0-9]* '.' [0-9]+.
func (l *lexer) number(start int) token {
	i := start
	neg := false
	if l.src[i] == '+' || l.src[i] == '-' {
		neg = l.src[i] == '-'
		i++
	}
	digits := i
	for i < len(l.src) && isDigit(l.src[i]) {
		i++
	}
	intPart := l.src[digits:i]
	if i < len(l.src) && l.src[i] == '.' {
		j := i + 1
		for j < len(l.src) && isDigit(l.src[j]) {
			j++
		}
		if j > i+1 {
			l.pos = j
			k := tFloat
			if neg {
				k = tFloatNeg
			}
			return token{kind: k, text: l.src[start:j], pos: start}
		}
	}
	if intPart == "" || len(intPart) > 1 && intPart[0] == '0' {
		return token{err: fmt.Errorf("at offset %d: malformed number", start), pos: start}
	}
	l.pos = i
	k := tInt
	if neg {
		k = tIntNeg
	}
	return token{kind: k, text: l.src[start:i], pos: start}
}
