package rulecheck

import (
	"fmt"
	"strings"
	"testing"
)

// TestPcreTokens checks how pcreTokens reads a regex: each token is
// written as its kind, its text and, for a group's "(", its flavour, with
// "x" after the kind where it is read in x mode (for a "(", inside it).
func TestPcreTokens(t *testing.T) {
	for _, c := range []struct {
		re       string
		extended bool
		want     string
		ok       bool
	}{
		{`a\d\Q(]\E\cA[]a\]]`, false, `lit:a esc:\d esc:\Q(]\E esc:\cA class:[]a\]]`, true},
		{`\x{41}{2}\N{2}\g{1}`, false, `esc:\x{41} quant:{2} esc:\N quant:{2} esc:\g{1}`, true},
		{`[^]][\E]][[:alpha:]]`, false, `class:[^]] class:[\E]] class:[[:alpha:]]`, true},
		{`(a)(?:b)(?<n>c)(?'m'd)(?P<o>e)`, false, `open(capture):( lit:a close:) open(options):(?: lit:b close:) ` +
			`open(named):(?<n> lit:c close:) open(named):(?'m' lit:d close:) open(named):(?P<o> lit:e close:)`, true},
		{`(?<=a)(?<!b)(?=c)(?|d)(*F)(*:a(b)`, false, `open(lookbehind):(?<= lit:a close:) open(lookbehind):(?<! lit:b close:) ` +
			`open(plain):(?= lit:c close:) open(reset):(?| lit:d close:) verb:(*F) verb:(*:a(b)`, true},
		{`(*pla:a)(*plb:b)`, false, `open(verb):(*pla: lit:a close:) open(lookbehind):(*plb: lit:b close:)`, true},
		{`a(*:)`, false, `lit:a`, false},
		{`(*pla`, false, `open(unknown):(*pla`, true},
		{`(?(1)a)(?(?=b)c)(?1)(?-1)(?R)(?P=n)(?&n)(?C2)(?z)`, false, `open(condition):(?(1) lit:a close:) ` +
			`open(condition):(? open(plain):(?= lit:b close:) lit:c close:) call:(?1) call:(?-1) call:(?R) ` +
			`call:(?P=n) call:(?&n) call:(?C2) open(unknown):(? lit:z close:)`, true},
		{`a*b+?c{2,3}d{2, 3}e{,2}|(?#x|y)`, false, `lit:a quant:* lit:b quant:+ quant:? lit:c quant:{2,3} ` +
			`lit:d lit:{ lit:2 lit:, lit:  lit:3 lit:} lit:e lit:{ lit:, lit:2 lit:} alt:| skip:(?#x|y)`, true},
		{"a b#c(\n)", true, "litx:a skipx:  litx:b skipx:#c( skipx:\n closex:)", true},
		{`a (?-x)b #(?x: c)`, true, `litx:a skipx:  setting:(?-x) lit:b lit:  lit:# openx(options):(?x: skipx:  litx:c closex:)`, true},
		{`(?x)(?-x: a)(?^i) b`, false, `settingx:(?x) open(options):(?-x: lit:  lit:a close:) setting:(?^i) lit:  lit:b`, true},
		{`((?x) a) b`, false, `open(capture):( settingx:(?x) skipx:  litx:a closex:) lit:  lit:b`, true},
		{`[a`, false, ``, false},
		{`a[[:a]]`, false, `lit:a`, false},
		{`a(?#b`, false, `lit:a`, false},
		{`a( ?:b)`, true, `litx:a`, false},
		{`(? :b)`, true, ``, false},
		{`( ?:b)`, false, `open(capture):( lit:  quant:? lit:: lit:b close:)`, true},
	} {
		toks, ok := pcreTokens(c.re, c.extended)
		if got := tokenString(c.re, toks); got != c.want || ok != c.ok {
			t.Errorf("pcreTokens(%q, %v) = %q, %v\nwant %q, %v", c.re, c.extended, got, ok, c.want, c.ok)
		}
	}
}

// tokenString writes toks as TestPcreTokens reads them.
func tokenString(re string, toks []pcreToken) string {
	kinds := []string{"lit", "esc", "class", "open", "close", "alt", "quant", "setting", "call", "verb", "skip"}
	flavours := []string{"plain", "unknown", "capture", "named", "lookbehind", "options", "reset", "condition", "verb"}
	var words []string
	for _, tk := range toks {
		w := kinds[tk.kind]
		if tk.extended {
			w += "x"
		}
		if tk.kind == tokOpen {
			w += "(" + flavours[tk.flavour] + ")"
		}
		words = append(words, fmt.Sprintf("%s:%s", w, re[tk.start:tk.end]))
	}
	return strings.Join(words, " ")
}
