package rulecheck

import (
	"strings"
	"testing"
)

// pcreStructureRegexes are regexes with errors PCRE2 10.42 reports and
// Go's regexp/syntax misses or hides, with whether Suricata 7 loads them.
var pcreStructureRegexes = []struct {
	re    string
	loads bool
}{
	// Quantifiers.
	{`a{2,4}b{4}c{4,}d{1001,2000}e{65535}f{,2}g{2,x}[a{4,2}]\{4,2}`, true},
	{`a{4,2}`, false}, {`a{2000,1001}`, false}, {`a{65536}`, false}, {`a{1,65536}`, false},
	// POSIX classes.
	{`[[:alpha:]][:][^:a:][\[:a:]]`, true},
	{`[:alpha:]`, false}, {`a[:alpha:]b`, false}, {`[:a\]:]`, false}, {`[::]`, false},
	{`[.a.]`, false}, {`[=a=]`, false}, {`[:a\:]`, false}, {`[:a[.b:]`, false},
	{`[\\\Q\E[:alpha:]][\E[:xdigit:]][a\Q\E[:^word:]]`, true}, {`[\\\Q\E[:a:]]`, false}, {`[\E[:foo:]]`, false},
	{`[a\Q\E[:ALPHA:]]`, false}, {`[\\Q\E[:a:]]`, false}, {`[\\Q\E[:alpha:]]`, true},
	// Lookbehinds.
	{`(?<=a|bc)(?<!\d{3}|a{2,2}|(?:ab)[a-z]|\x41\Q+\E.|(?i)a(?<n>b))(?<=(?<=a|bc)d)e*`, true},
	{`(?<=a+)b`, false}, {`(?<=a*)b`, false}, {`(?<=a?)b`, false}, {`(?<!a{1,2})b`, false},
	{`(?<=a{2,})b`, false}, {`(?<=(a|bc))d`, false}, {`(?<=\R)a`, false}, {`(?<=\X)a`, false},
	{`(?<=(?:a|bc)d)e`, false}, {`(?<!(?n)a|(?n:bc))d`, true},
	{`(?<=(?|ab)c)d`, true}, {`(?<=(?|a|bc))d`, false},
	// Alternatives of one length in a group inside a lookbehind.
	{`(?<=(\?|&))a(?<=(?:ab|cd|\x41\x42)|ef)g(?<=(a|[bc]|\d|.|\\|\Qz\E|a\Q\E|(?#x)b))h`, true},
	{`(?<=(\x41|\x{42}|\0|\012|\cA|\pL|\P{Lu}|\n|\w|\x4|\0))b(?<=(?i)(a|(?-i)b|(?i:c)))d`, true},
	{`(?<=(a{2}|bc|(?:d|e){2}))f(?<=(?|(a)|(b))c)d(?<=^(a|b)$)c(?<=(a\b|b)(\w|\D))c`, true},
	{`(?<=(a(?=x|y)|b))c(?<=(a(?<=x|yz)|b))c(?<=((a|b)c|de))f(?<=a{65535}|b{2})c(?<=(a|(?<=b)c))d`, true},
	{`(?<=(\?|&&))a`, false}, {`(?<=(\x41|\x4142))c`, false}, {`(?<=(\pL|ab))c`, false},
	{`(?<=(\0|\0123))c`, false}, {`(?<=(\Qab\E|a))c`, false}, {`(?<=(a{2}|a))b`, false},
	{`(?<=((a|b)|cd))e`, false}, {`(?<=(a(?:b|c)|d))e`, false}, {`(?<=(a\b|bc))d`, false},
	{`(?<=(a(?=x)|bc))d`, false}, {`(?<=(a|b)c|(d|ef))g`, false}, {`(?<=(\x{41}|ab))c`, false},
	{`(?<=(a|\cAb))c`, false}, {`(?<=a{65535}b)c`, false}, {`(?<=a{30000}a{30000}a{30000})c`, false},
	{`(?<=a{65534}b{0}c(?:){0})d`, true}, {`(?<=a{65535}b{0})c`, false}, {`(?<=(a{65535}b){0})c`, false},
	{`(?<=a{65535}(b){0})c`, false}, {`(?<=(a{65535}){2}|b)c`, false},
	{`(?<=(a\E{2}|bc|\x\E{2}|\Qa\E{2}|\Qab\E)(\Qab\E{2}|abc))d`, true}, {`(?<=(\Qab\E{2}|abcd))e`, false}, {`(?<=a{65535}\E|b)c`, true},
	{`(?<=a\E{65535}b)c`, false}, {`(?<=(a|\x\E{42}))c`, false}, {`(?<=(a|\x4\E1))c`, false},
	{`(?<=(a(*PRUNE)|b(*MARK:xyz)|(?:(*THEN)c)|(*:x)d(*COMMIT)(*SKIP)))e`, true}, {`(?<=(a(*PRUNE)|bc))d`, false},
	{`(?<=(a|b(*MARK:x)c))d`, false}, {`(?<=(a(*ACCEPT)|b(*F)))c`, true},
	{`(?<=(a|\x4G))c`, false}, {`(?<=(a|\0a))c`, false}, {`(?<=(?i:a|bc))d`, false},
	// Quantifiers after what PCRE2 does not repeat; a comment is skipped.
	{`a(?#b)*(?1)+(?<n>c)(?P=n){2}`, true}, {`a(?i)+`, false}, {`a(?J){2}`, false},
	{`a(?C1)?`, false}, {`(?#a)*b`, false}, {`a|(?#b)+`, false}, {`(?:(?#a)+)`, false},
	{`a*+b?+c{2}?d??\x{41}{2}\o{101}+(e)\g{1}{2}\p{L}*`, true}, {`a**`, false}, {`a{2}{3}`, false}, {`a*?+`, false}, {`a+*`, false},
	// An empty quotation is skipped; an assertion is not repeated.
	{`a\E+b*\E+c\Q\E{2}\Qd\E\E?(?=e)*`, true}, {`\E+`, false}, {`(\E*)`, false}, {`a|\E+`, false},
	{`a|\Q\E+`, false}, {`\b\E*`, false}, {`^*`, false}, {`a$+`, false}, {`^(?#a)?`, false}, {`\b{2}`, false},
	{`a\B*`, false}, {`\A+`, false}, {`a\z*`, false}, {`a\Z?`, false}, {`\G*`, false}, {`a\K+`, false},
	// A group's name is part of its opening.
	{`(?<n>a*)(?'m'b{2})(?P<o>c+)`, true}, {`((?J)(?<n>*a)(?<n>b))`, false}, {`(?<n>{2}a)`, false},
	{`(?'n'*a)`, false}, {`(?P<n>+a)(b)`, false}, {`(?<n>a)\k<n>(?<m>*b)`, false},
	// A condition is a reference or an assertion, perhaps after a callout.
	{`(?(?=a)b)(?(?<!a)b)(?(?C1)(?!a)b)(?(*pla:a)b)(?(?C"x")(*negative_lookbehind:a)b)`, true},
	{`(?(?i)(1)a)`, false}, {`(?(*1)a)`, false}, {`(?(?>a)b)`, false}, {`(?(?:a)b)`, false},
	{`(?(*atomic:a)b)`, false}, {`(?(?C1)a)`, false}, {`(?(?C1)(?C2)(?=a)b)`, false},
	{`(?(?=a)b*)(?(?=a)(b)+)`, true}, {`(?(?=a)*b)`, false}, {`(?(?C1)(?!a){2}b)`, false}, {`(?(*pla:a)+b)`, false},
	// A condition has two alternatives at most, (?(DEFINE)…) one.
	{`(?(1)a|b)(c)(?(?=d|e)f|(g|h|i))(?(DEFINE)(j|k))(?(R)l|m)`, true},
	// A callout's argument: none, a number to 255, or a string in one of PCRE2's delimiters.
	{`a(?C)b(?C0)c(?C255)d(?C01)e(?C"x)")f(?C"x""y")g(?C{x})h(?C` + "`x`" + `)i(?C^x^)(?(?C"x)")(?=a)b)`, true},
	{`a(?Cx)b`, false}, {`a(?C*1)b`, false}, {`a(?C1{2})b`, false}, {`a(?C256)b`, false}, {`a(?C-1)b`, false},
	{`a(?C"x"y")b`, false}, {`a(?C{x}})b`, false}, {`a(?C"x"1)b`, false}, {`a(?C[x])b`, false}, {`a(?C"x)b`, false},
	// A VERSION condition: "=" or ">=", a major version to 1000, perhaps "." and one or two digits.
	{`(?(VERSION>=10.0)a)(?(VERSION=10)b|c)(?(VERSION>=1000.12)d)(?(VERSION>=010.1)e)(?<VERSION>f)(?(VERSION)g)`, true},
	{`(?(VERSION>10)a)`, false}, {`(?(VERSION>=10.)a)`, false}, {`(?(VERSION>=10.123)a)`, false},
	{`(?(VERSION)a)`, false}, {`(?(VERSION>=1001)a)`, false}, {`(?(VERSION>=+10)a)`, false},
	{`(?(VERSIONX)a)`, false}, {`(?(VERSION>=)a)`, false}, {`(?(VERSION>=10*.0)a)`, false},
	{`(?(1)a|b|c)(d)`, false}, {`(?(?=a)b|c|d)`, false}, {`(?(DEFINE)a|b)`, false}, {`(?(R)a||)`, false},
	// A "(?" PCRE2 does not know.
	{`(?P*<n>a)`, false}, {`(?P{2}=n)(?<n>a)`, false}, {`(?P\E>n)(?<n>a)`, false}, {`(?P(?i)<n>a)`, false},
	{`(a)\1(*pla:b)(*COMMIT)(*:x)(*atomic:c)`, true}, {`(a)\1(*b)`, false}, {`(a)\1(*pla:*b)`, false},
	{`(a)\1(*(?-J)b)`, false}, {`(a)\1(*foo:b)`, false},
	// A verb PCRE2 knows, with a name where it needs one, read to its ")" and not repeated.
	{`(a)\1(*COMMIT:)b(*PRUNE)(*PRUNE:y)(*SKIP:z)(*THEN)(*ACCEPT:u)(*F)(*FAIL)(*MARK:w)(*:x y\i(#)(?<=(*COMMIT)a)`, true},
	{`(a)\1(*MARK:` + strings.Repeat("m", 255) + `)`, true}, {`(a)\1(*MARK:` + strings.Repeat("m", 256) + `)`, false},
	{`(a)\1(*MARK)b`, false}, {`(a)\1(*MARK:)b`, false}, {`(a)\1(*:)b`, false}, {`(a)\1(*FOO)b`, false},
	{`(a)\1(*UTF)b`, false}, {`(a)\1(*COMMIT)?b`, false}, {`(a)\1(*COMMIT){2}b`, false}, {`(a)\1(*C*OMMIT)b`, false},
	{`(a)\1(*:x(?i))b`, false}, {`(a)\1(*:(?i)x)b`, false},
	// A verb or an assertion by name with no error Go would report first.
	{`(*pla:a)b`, true}, {`(*COMMIT)a`, true}, {`(*PRUNE:x)a|(*F)`, true}, {`(*sr:a)(*asr:b)(*atomic:c)(*napla:d)`, true},
	{`(*nlb:a)b(*SKIP)c`, true}, {`(*pla:a)b)`, false}, {`(*COMMIT)a)`, false}, {`(*sr:a)[b`, false},
	// An assertion by name is read as one in brackets: its escapes, groups and, behind, its length.
	{`(a)\1(*pla:(c))\2(*nlb:a|bc)(*positive_lookbehind:a{2})`, true}, {`(a)\1(*pla:\i)b`, false},
	{`(a)\1(*negative_lookbehind:a*)b`, false}, {`(a)\1(*plb:a+)b`, false}, {`(?=a)(*c`, false}, {`(a)\1(*pla`, false}, {`(a)\1(*nlb:(?:a|bc))b`, false},
	{`(?%a)`, false}, {`(?\Ea)`, false}, {`(?-*2)(a)`, false},
	{`(?<=a)b{4,2}`, false}, {`(?=a)(c`, false}, {`(?=a)[c`, false},
	// Groups nested 250 deep at most, an option setting not being one.
	{strings.Repeat(`(?:(?i)`, 250) + `a` + strings.Repeat(`)`, 250), true},
	{strings.Repeat(`(?:`, 251) + `a` + strings.Repeat(`)`, 251), false},
	{strings.Repeat(`(?=a`, 251) + strings.Repeat(`)`, 251), false},
	{strings.Repeat(`(?(?=a)b`, 249) + strings.Repeat(`)`, 249), true},
	{strings.Repeat(`(?(?=a)b`, 250) + strings.Repeat(`)`, 250), false},
}

// pcreExtendedRegexes are regexes read with the x flag, with whether
// Suricata 7 loads them.
var pcreExtendedRegexes = []struct {
	re    string
	loads bool
}{
	{`a{4, 2}b{2 }c{ 3}d{4,2 }[( ?:a)](?# ( ?)(?i: a)( a)`, true},
	{`( ?:a)`, false}, {`(? :a)`, false}, {`a( *b)`, false}, {`(?i)( +b)`, false},
}

// TestPcreExtendedAsSuricata checks pcre regexes with white space in
// groups and quantifiers, with the x flag, against the renderer and the
// real Suricata 7.
func TestPcreExtendedAsSuricata(t *testing.T) {
	var rules []keywordRule
	for _, c := range pcreExtendedRegexes {
		rules = append(rules, keywordRule{"tcp", `content:"x"; pcre:"/` + c.re + `/x";`, c.loads})
	}
	checkRulesAsSuricata(t, rules)
}

// TestPcreStructureAsSuricata checks pcre regexes with quantifiers,
// classes, names and lookbehinds, with and without the x flag, against
// the renderer and the real Suricata 7.
func TestPcreStructureAsSuricata(t *testing.T) {
	var rules []keywordRule
	for _, c := range pcreStructureRegexes {
		rules = append(rules, keywordRule{"tcp", `content:"x"; pcre:"/` + c.re + `/";`, c.loads})
		spaced := strings.ReplaceAll(c.re, ")", ") ") + " # [:a:]"
		rules = append(rules, keywordRule{"tcp", `content:"x"; pcre:"/` + spaced + `/x";`, c.loads})
	}
	checkRulesAsSuricata(t, rules)
}

// pcreInlineExtendedRules are pcres whose regex sets or unsets the x
// option in part of it, with whether Suricata 7 loads them.
var pcreInlineExtendedRules = []keywordRule{
	{"tcp", `content:"x"; pcre:"/(?-x)a # \i/x";`, false},
	{"tcp", `content:"x"; pcre:"/(?^)a # \i/x";`, false},
	{"tcp", `content:"x"; pcre:"/(?-x)a#(/x";`, false},
	{"tcp", `content:"x"; pcre:"/(?x)( ?:a)/";`, false},
	{"tcp", `content:"x"; pcre:"/(?x:( ?:a))/";`, false},
	{"tcp", `content:"x"; pcre:"/(?x)( ?<=a)/";`, false},
	{"tcp", `content:"x"; pcre:"/(?-x: # \i)/x";`, false},
	{"tcp", `content:"x"; pcre:"/((?-x)a) # b/x";`, true},
	{"tcp", `content:"x"; pcre:"/(?x)(?< n>a)/";`, false},
	{"tcp", `content:"x"; pcre:"/(?x)\x{ 41}/";`, false},
	{"tcp", `content:"x"; pcre:"/(?x) ( a ) \2/";`, false},
	{"tcp", `content:"x"; pcre:"/(?x) ( a ) \1 # b/";`, true},
	{"tcp", `content:"x"; pcre:"/(?x)a{2, 3}/";`, true},
	{"tcp", `content:"x"; pcre:"/u(?-x)(a) #b/x";`, true},
	{"tcp", `content:"x"; pcre:"/u(?x:(a))(b) #c/";`, true},
	{"tcp", `content:"x"; pcre:"/u(a(?x)b)#(c)/";`, true},
	{"tcp", `content:"x"; pcre:"/(?i)a # b/x";`, true},
	{"tcp", `content:"x"; pcre:"/(?^i)a (?-i:b)/";`, true},
	{"tcp", `content:"x"; pcre:"/(?x)a # \i/";`, true},
	{"tcp", `content:"x"; pcre:"/(?x)a # [/";`, true},
	{"tcp", `content:"x"; pcre:"/(?x)a # \i (?-x)/";`, true},
	{"tcp", `content:"x"; pcre:"/(?x)a # \/";`, false},
	{"tcp", `content:"x"; pcre:"/a # \/x";`, false},
	{"tcp", `content:"x"; pcre:"/(?x)a # \\/";`, true},
	{"tcp", `content:"x"; pcre:"/a # \i (?-x)/x";`, true},
	{"tcp", `content:"x"; pcre:"/a # (?^) \i/x";`, true},
	{"tcp", `content:"x"; pcre:"/a # (?-x: \i/x";`, true},
	{"tcp", `content:"x"; pcre:"/a (?-x:b) # \i/x";`, true},
	{"tcp", `content:"x"; pcre:"/a (?-x)# \i/x";`, false},
	{"tcp", `content:"x"; pcre:"/a (?-x:b # \i)/x";`, false},
}

// TestPcreInlineExtendedAsSuricata checks pcres that set or unset the x
// option inside the regex against the renderer and the real Suricata 7.
func TestPcreInlineExtendedAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, pcreInlineExtendedRules)
}
