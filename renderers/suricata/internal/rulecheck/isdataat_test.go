package rulecheck

import "testing"

// isdataatRules are rules with isdataat values, with whether Suricata 7
// loads them.
var isdataatRules = []keywordRule{
	{"tcp", `content:"x"; isdataat:5;`, true},
	{"tcp", `content:"x"; isdataat:!5,relative;`, true},
	{"tcp", `content:"x"; isdataat:5, relative , rawbytes;`, true},
	{"tcp", `content:"x"; isdataat:65535;`, true},
	{"tcp", `content:"x"; isdataat:65536;`, false},
	{"tcp", `content:"x"; isdataat:5,rawbytes;`, false},
	{"tcp", `content:"x"; isdataat:5,rawbytes,relative;`, false},
	{"tcp", `content:"x"; isdataat:5,relative,relative;`, false},
	{"tcp", `content:"x"; byte_extract:1,0,x1; isdataat:x1,relative;`, true},
	{"tcp", `content:"x"; byte_extract:1,0,_x; isdataat:_x;`, false},
	{"tcp", `content:"x"; isdataat:x1;`, false},
}

// TestIsdataatAsSuricata checks isdataat values against the renderer and
// the real Suricata 7.
func TestIsdataatAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, isdataatRules)
}
