package rulecheck

import (
	"strings"
	"testing"
)

// pcreEscapeRegexes are regexes whose escapes Go's regexp/syntax and
// PCRE2 10.42 read differently, with whether Suricata 7 loads them.
var pcreEscapeRegexes = []struct {
	re    string
	loads bool
}{
	// Letters outside a character class.
	{`a\ab\bc\dd\ee\ff\hg\nh\ri\sj\tk\vl\wm\xn\z`, true},
	{`a\Ab\Bc\Cd\De\Ef\Gg\Hh\Ki\Nj\Rk\Sl\Vm\Wn\Xo\Z`, true},
	{`a\Qb(\i[c\Ed`, true},
	{`a\Qb\i`, true},
	{`a\ib`, false}, {`a\jb`, false}, {`a\mb`, false}, {`a\qb`, false}, {`a\yb`, false},
	{`a\Ib`, false}, {`a\Jb`, false}, {`a\Mb`, false}, {`a\Ob`, false}, {`a\Tb`, false},
	{`a\Yb`, false}, {`a\Fb`, false}, {`a\Lb`, false}, {`a\lb`, false}, {`a\Ub`, false},
	{`a\ub`, false},
	{`a\gb`, false}, {`a\kb`, false}, {`a\ob`, false}, {`a\pb`, false}, {`a\Pb`, false},
	{`a\-b\_c\ \'d\<`, true},
	// Control characters, code points, octal.
	{`a\cb\c[\c?`, true},
	{`a\c`, false},
	{`\x41\x4\xg\x{41}\x{0000ff}\o{101}\o{0377}`, true},
	{`\x{100}`, false}, {`\x{}`, false}, {`\x{4g}`, false}, {`\x{41`, false},
	{`\o{400}`, false}, {`\o{8}`, false}, {`\o{}`, false}, {`\o41`, false},
	{`\0\01\012\377\10\1000000`, true},
	{`\400`, false},
	{`\N{U+41}`, false}, {`\N{2}\N{2,}\N{2,3}`, true}, {`\N{a}`, false}, {`\N{3,2}`, false},
	// Properties.
	{`\pL\p{Lu}\P{L}\p{^Greek}\p{Any}`, true},
	{`\pL\pl\p{Lu}\P{ l u }\p{^Greek}\p{Xwd}\p{L&}\p{Any}\p{sc:Latn}\p{scx:latin}\p{Script=Greek}`, true},
	{`\p{bc:AL}\p{Bidi_Class:on}\p{Hex_Digit}\p{xan}[\p{Xsp}\P{Xuc}a]\Q\p{Xwd}\E`, true},
	{`[\p{Xwd}-a]`, false}, {`\p{Xwd}(`, false},
	{`\pX`, false}, {`\p{}`, false}, {`\p{Foo}`, false}, {`\p{sc:L}`, false}, {`\p{bc:Greek}`, false},
	{`\p{gc:L}`, false}, {`\p{ ^L}`, false}, {`\p{L`, false},
	// Back references and subroutine calls.
	{`(a)\1\g1\g{1}\g-1\g{-1}\g{+0}`, false},
	{`(a)\1\g1\g{1}\g-1\g{-1}\g<1>\g'1'\g<0>\g<-1>`, true},
	{`(?<n>a)\k<n>\k'n'\k{n}\g{n}\g<n>\g'n'(?P=n)(?&n)(?P>n)`, true},
	{`\1(a)\g{+1}(b)`, true},
	{`\2(a)`, false}, {`\8`, false}, {`(a)\g2`, false}, {`\g{-1}`, false}, {`(a)\g{0}`, false},
	{`\g<1>`, false}, {`\k<n>`, false}, {`(?<n>a)\k<m>`, false}, {`(?<n>a)\k<n`, false},
	{`(?<n>a)\k{ n }`, false}, {`(?P=n)`, false}, {`(?&n)`, false}, {`(?2)(a)`, false},
	{`(?1)(a)(?-1)(?+1)(b)`, true}, {`(?-2)(a)`, false},
	{`(?#\i)\#\(\[`, true},
	{`(?<n>a)(?<m>b)(?J)(?<o>c)(?<o>d)\k<o>`, true}, {`(?J)(?<n>a)(?'n'b)(?P<n>c)`, true},
	{`(?<n>a)(?<n>b)`, false}, {`(?<n>a)(?'n'b)`, false}, {`(?<n>a)(?P<n>b)(?J)`, false},
	{`(?-J)(?<n>a)(?<n>b)`, false}, {`(?i-J)(?<n>a)(?<n>b)`, false},
	{`((?J)(?<n>a))(?<n>b)`, false}, {`(?J:(?<n>a))(?<n>b)`, false}, {`(?J)(?<n>a)(?-J)(?<n>b)`, false},
	{`(?J)(?<n>a)(?-J:(?<n>b))`, false}, {`(?J:(?<n>a)(?<n>b))`, true}, {`((?J)(?<n>a)(?<n>b))`, true},
	{`(?J)((?-J)(?<n>a))(?<n>b)`, true}, {`((?J)(?<n>a)|(?<n>b))`, true},
	{`(?|(a)|(b))\1`, true}, {`(?|(a)|(b))\2`, false}, {`(?|(a)|(b)(c))\2(d)\3`, true},
	{`(?(1)a|b)(c)\1`, true}, {`(?(1)a|b)\2(c)`, false},
	{`(?(1)a)(?(+1)b)(c)(?(-1)d)(?(01)e)(?(R)f)(?(R1)g)(?(DEFINE)h)(?(VERSION>=10.0)i)`, true},
	{`(?<n>a)(?(<n>)b)(?('n')c)(?(n)d)(?(R&n)e)`, true},
	{`(?(2)a)(b)`, false}, {`(b)(?(2)a)`, false}, {`(?(+2)a)(b)`, false}, {`(?(-1)a)`, false},
	{`(?(0)a)`, false}, {`(?(R2)a)(b)`, false}, {`(?n)(?(1)a)(b)`, false}, {`(?(<m>)a)(?<n>b)`, false},
	{`(?('m')a)(?<n>b)`, false}, {`(?(m)a)(?<n>b)`, false}, {`(?(R&m)a)(?<n>b)`, false}, {`(?(Rn)a)(?<n>b)`, false},
	// Inside a character class.
	{`[\b\E\g\1\0\8\9\377\a\e\f\n\r\t\d\D\s\S\w\W\h\H\v\V]`, true},
	{`[\x41\x{41}\o{101}\cb\pL\p{Greek}]`, true},
	{`[a\Q]\E]`, true},
	{`[\E]]`, true}, {`[^\Q\E]]`, true}, {`[\E^]]`, true}, {`[\E]`, false}, {`[^\Q\E]`, false},
	{`[\E](a)`, false}, {`[\E](a)]`, true}, {`[\E](a)]\1`, false},
	{`[a\Q]`, false}, {`[a\c]`, false}, {`[\400]`, false}, {`[\x{100}]`, false},
	{`[a\B]`, false}, {`[a\R]`, false}, {`[a\N]`, false}, {`[a\X]`, false}, {`[a\K]`, false},
	{`[a\G]`, false}, {`[a\A]`, false}, {`[a\z]`, false}, {`[a\Z]`, false}, {`[a\C]`, false},
	{`[a\L]`, false}, {`[a\l]`, false}, {`[a\U]`, false}, {`[a\u]`, false}, {`[a\k]`, false},
	{`[a\o]`, false}, {`[a\i]`, false}, {`[a\pX]`, false},
}

// TestPcreEscapesAsSuricata checks pcre regexes with escapes, with and
// without the x flag, against the renderer and the real Suricata 7.
func TestPcreEscapesAsSuricata(t *testing.T) {
	var rules []keywordRule
	for _, c := range pcreEscapeRegexes {
		rules = append(rules, keywordRule{"tcp", `content:"x"; pcre:"/` + c.re + `/";`, c.loads})
		if !strings.HasSuffix(c.re, `\c`) { // \c takes the space after it
			spaced := strings.ReplaceAll(c.re, ")", ") ") + " # \\i"
			rules = append(rules, keywordRule{"tcp", `content:"x"; pcre:"/` + spaced + `/x";`, c.loads})
		}
	}
	checkRulesAsSuricata(t, rules)
}
