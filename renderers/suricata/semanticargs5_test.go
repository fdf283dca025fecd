package suricata

import "testing"

// pcreRules are rules with pcre regexes that PCRE2 and Go's regexp/syntax
// read differently, with whether Suricata 7 loads them.
var pcreRules = []keywordRule{
	{"tcp", `content:"x"; pcre:"/a"b/";`, true},
	{"tcp", `content:"x"; pcre:"/a[^"]b/";`, true},
	{"tcp", `content:"x"; pcre:"/a[^"']b/i";`, true},
	{"tcp", `content:"x"; pcre:"/a"b"c/";`, true},
	{"tcp", `content:"x"; pcre:!"/a"b/";`, true},
	{"tcp", `content:"x"; pcre:"/a\"b/";`, true},
	{"tcp", `content:"x"; pcre:"/a'b/";`, true},
	{"tcp", `content:"x"; pcre:"/[^(?>x)]/";`, true},
	{"tcp", `content:"x"; pcre:"/a"[b/";`, false},
	{"tcp", `content:"x"; pcre:"/a"b/k";`, false},
	{"tcp", `content:"x"; pcre:!"/ab/";`, true},
	{"tcp", `content:"x"; pcre:! "/ab/";`, true},
	{"tcp", `content:"x"; pcre:"!/ab/";`, true},
	{"tcp", `content:"x"; pcre:!"/ab/k";`, false},
	{"tcp", `content:"x"; pcre:!;`, false},
}

// TestValueCheckers5AsSuricata checks rules with the values of
// semanticargs5.go against the renderer and the real Suricata 7.
func TestValueCheckers5AsSuricata(t *testing.T) {
	for name, rules := range map[string][]keywordRule{"pcre": pcreRules} {
		t.Run(name, func(t *testing.T) { checkRulesAsSuricata(t, rules) })
	}
}
