package stixschema

import (
	"fmt"
	"strings"
)

// ValidatePattern parses a STIX 2.1 pattern with a recursive-descent
// parser for the patterning grammar: observation expressions joined by
// AND, OR and FOLLOWEDBY with qualifiers; comparison expressions joined by
// AND and OR; object paths with key steps (bare or quoted) and index steps;
// every literal form (string, int, float, bool, hex, binary, timestamp,
// sets) and comparison operator. It also enforces the rule that
// comparisons joined by AND inside one observation expression name the
// same object type.
func ValidatePattern(p string) error {
	ps := &parser{lex: lexer{src: p}}
	ps.next()
	if err := ps.observations(); err != nil {
		return fmt.Errorf("stix pattern %q: %w", p, err)
	}
	if ps.tok.kind != tEOF {
		return fmt.Errorf("stix pattern %q: %w", p, ps.unexpected("end of pattern"))
	}
	return nil
}

type parser struct {
	lex lexer
	tok token
}

func (p *parser) next() { p.tok = p.lex.next() }

func (p *parser) unexpected(want string) error {
	if p.tok.err != nil {
		return p.tok.err
	}
	if p.tok.kind == tEOF {
		return fmt.Errorf("at offset %d: expected %s, found end of pattern", p.tok.pos, want)
	}
	return fmt.Errorf("at offset %d: expected %s, found %q", p.tok.pos, want, p.tok.text)
}

func (p *parser) expect(k tokKind, want string) error {
	if p.tok.kind != k || p.tok.err != nil {
		return p.unexpected(want)
	}
	p.next()
	return nil
}

// observations parses observationExpressions: or-expressions joined by
// FOLLOWEDBY, of and-expressions joined by OR, of observations joined by
// AND.
func (p *parser) observations() error {
	and := func() ([]string, error) { return nil, p.observation() }
	or := func() ([]string, error) { return p.joined(tAnd, and) }
	_, err := p.joined(tFollowedBy, func() ([]string, error) { return p.joined(tOr, or) })
	return err
}

// joined parses operands separated by the operator op and returns the
// union of the object types they name.
func (p *parser) joined(op tokKind, operand func() ([]string, error)) ([]string, error) {
	var types []string
	for {
		t, err := operand()
		if err != nil {
			return nil, err
		}
		types = union(types, t)
		if p.tok.kind != op || p.tok.err != nil {
			return types, nil
		}
		p.next()
	}
}

// observation parses '[' comparison ']' or '(' observations ')', then any
// qualifiers.
func (p *parser) observation() error {
	switch {
	case p.tok.err != nil:
		return p.tok.err
	case p.tok.kind == tLBrack:
		p.next()
		if _, err := p.comparisonOr(); err != nil {
			return err
		}
		if err := p.expect(tRBrack, "']'"); err != nil {
			return err
		}
	case p.tok.kind == tLParen:
		p.next()
		if err := p.observations(); err != nil {
			return err
		}
		if err := p.expect(tRParen, "')'"); err != nil {
			return err
		}
	default:
		return p.unexpected("'[' or '('")
	}
	for p.tok.err == nil {
		switch p.tok.kind {
		case tStart:
			p.next()
			if err := p.expect(tTimestamp, "a t'…' timestamp after START"); err != nil {
				return err
			}
			if err := p.expect(tStop, "STOP"); err != nil {
				return err
			}
			if err := p.expect(tTimestamp, "a t'…' timestamp after STOP"); err != nil {
				return err
			}
		case tWithin:
			p.next()
			if p.tok.kind != tInt && p.tok.kind != tFloat {
				return p.unexpected("a positive number after WITHIN")
			}
			p.next()
			if err := p.expect(tSeconds, "SECONDS"); err != nil {
				return err
			}
		case tRepeats:
			p.next()
			if err := p.expect(tInt, "a positive integer after REPEATS"); err != nil {
				return err
			}
			if err := p.expect(tTimes, "TIMES"); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return p.tok.err
}

// comparisonOr parses comparisons joined by OR and returns the object
// types they name.
func (p *parser) comparisonOr() ([]string, error) {
	return p.joined(tOr, p.comparisonAnd)
}

// comparisonAnd parses comparisons joined by AND, which must all name one
// object type.
func (p *parser) comparisonAnd() ([]string, error) {
	start := p.tok.pos
	types, err := p.joined(tAnd, p.propTest)
	if err != nil {
		return nil, err
	}
	if len(types) > 1 {
		return nil, fmt.Errorf("at offset %d: comparisons joined by AND name different object types (%s)", start, strings.Join(types, ", "))
	}
	return types, nil
}

func union(a, b []string) []string {
	for _, s := range b {
		found := false
		for _, t := range a {
			found = found || s == t
		}
		if !found {
			a = append(a, s)
		}
	}
	return a
}

// propTest parses one comparison: '(' comparison ')', EXISTS path, or
// path [NOT] operator literal.
func (p *parser) propTest() ([]string, error) {
	if p.tok.err != nil {
		return nil, p.tok.err
	}
	switch p.tok.kind {
	case tLParen:
		p.next()
		t, err := p.comparisonOr()
		if err != nil {
			return nil, err
		}
		return t, p.expect(tRParen, "')'")
	case tExists:
		p.next()
		typ, err := p.objectPath()
		return []string{typ}, err
	}
	typ, err := p.objectPath()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tNot {
		p.next()
	}
	op := p.tok
	if op.err != nil {
		return nil, op.err
	}
	p.next()
	switch op.kind {
	case tEQ, tNEQ:
		err = p.literal(true)
	case tLT, tLE, tGT, tGE:
		err = p.literal(false)
	case tIn:
		err = p.set()
	case tLike, tMatches, tIsSubset, tIsSuperset:
		err = p.expect(tString, "a string literal after "+strings.ToUpper(op.text))
	default:
		p.tok = op
		return nil, p.unexpected("a comparison operator")
	}
	return []string{typ}, err
}

// objectPath parses type ':' first-step steps… and returns the type.
func (p *parser) objectPath() (string, error) {
	if p.tok.err != nil {
		return "", p.tok.err
	}
	if p.tok.kind != tIdent && p.tok.kind != tIdentHyphen {
		return "", p.unexpected("an object type")
	}
	typ := p.tok.text
	p.next()
	if err := p.expect(tColon, "':' after the object type"); err != nil {
		return "", err
	}
	if p.tok.kind != tIdent && p.tok.kind != tString || p.tok.err != nil {
		return "", p.unexpected("a property name (quote names holding '-')")
	}
	p.next()
	for p.tok.err == nil {
		switch p.tok.kind {
		case tDot:
			p.next()
			if p.tok.kind != tIdent && p.tok.kind != tString || p.tok.err != nil {
				return "", p.unexpected("a property name after '.' (quote names holding '-')")
			}
			p.next()
		case tLBrack:
			p.next()
			if p.tok.kind != tInt && p.tok.kind != tIntNeg && p.tok.kind != tStar || p.tok.err != nil {
				return "", p.unexpected("an index or '*'")
			}
			p.next()
			if err := p.expect(tRBrack, "']'"); err != nil {
				return "", err
			}
		default:
			return typ, nil
		}
	}
	return "", p.tok.err
}

// literal parses a primitive literal (booleans only when allowBool).
func (p *parser) literal(allowBool bool) error {
	if p.tok.err != nil {
		return p.tok.err
	}
	switch p.tok.kind {
	case tString, tInt, tIntNeg, tFloat, tFloatNeg, tHex, tBinary, tTimestamp:
	case tBool:
		if !allowBool {
			return p.unexpected("an orderable literal")
		}
	default:
		return p.unexpected("a literal")
	}
	p.next()
	return nil
}

// set parses '(' [literal {',' literal}] ')'.
func (p *parser) set() error {
	if err := p.expect(tLParen, "'(' starting a set"); err != nil {
		return err
	}
	if p.tok.kind == tRParen && p.tok.err == nil {
		p.next()
		return nil
	}
	for {
		if err := p.literal(true); err != nil {
			return err
		}
		if p.tok.kind != tComma || p.tok.err != nil {
			return p.expect(tRParen, "',' or ')'")
		}
		p.next()
	}
}
