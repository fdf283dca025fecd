package rulecheck

import "testing"

// pcreStartRules are pcres whose regex opens with options PCRE2 reads
// only there, with whether Suricata 7 loads them.
var pcreStartRules = []keywordRule{
	{"tcp", `content:"x"; pcre:"/(*UCP)(*NO_JIT)(*NOTEMPTY)(*NOTEMPTY_ATSTART)(*NO_AUTO_POSSESS)\w/";`, true},
	{"tcp", `content:"x"; pcre:"/(*NO_DOTSTAR_ANCHOR)(*NO_START_OPT)(*BSR_ANYCRLF)(*BSR_UNICODE)a/i";`, true},
	{"tcp", `content:"x"; pcre:"/(*LIMIT_MATCH=10)(*LIMIT_HEAP=0)(*LIMIT_DEPTH=999999999)(*LIMIT_RECURSION=1)a/";`, true},
	{"tcp", `content:"x"; pcre:"/(*UCP)a # \i/x";`, true},
	{"tcp", `content:"x"; pcre:"/(*UCP)/";`, true},
	{"tcp", `content:"x"; pcre:"/(*UCP)*a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*UCP)(*FOO)a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*UCP)(a/";`, false},
	{"tcp", `content:"x"; pcre:"/a(*UCP)b/";`, false},
	{"tcp", `content:"x"; pcre:"/ (*UCP)a/x";`, false},
	{"tcp", `content:"x"; pcre:"/(*UCP) (*NO_JIT)a/x";`, false},
	{"tcp", `content:"x"; pcre:"/(*ucp)a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*UCP )a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*LIMIT_MATCH=)a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*LIMIT_MATCH=1x)a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*LIMIT_MATCH=99999999999)a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*LIMIT_FOO=1)a/";`, false},
	{"tcp", `content:"x"; pcre:"/(*NO_JIT)\i/";`, false},
	{"tcp", `content:"x"; pcre:"/(*NO_JIT)(?<=a+)b/";`, false},
}

// TestPcreStartOptionsAsSuricata checks pcre regexes opening with start
// options against the renderer and the real Suricata 7.
func TestPcreStartOptionsAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, pcreStartRules)
}
