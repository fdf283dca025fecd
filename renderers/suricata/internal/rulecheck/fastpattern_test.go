package rulecheck

import "testing"

// fastPatternRules are rules with fast_pattern values, with whether
// Suricata 7 loads them.
var fastPatternRules = []keywordRule{
	{"tcp", `content:"abc"; fast_pattern:0,3;`, true},
	{"tcp", `content:"abc"; fast_pattern:1,2;`, true},
	{"tcp", `content:"abc"; fast_pattern:2,1;`, true},
	{"tcp", `content:"abc"; fast_pattern:1,3;`, false},
	{"tcp", `content:"abc"; fast_pattern:3,1;`, false},
	{"tcp", `content:"abc"; fast_pattern:0,4;`, false},
	{"tcp", `content:"|61 62 63|"; fast_pattern:0,3;`, true},
	{"tcp", `content:"|61 62 63|"; fast_pattern:0,4;`, false},
	{"tcp", `content:"abc"; fast_pattern:0,65536;`, false},
}

// TestFastPatternAsSuricata checks fast_pattern values against the
// renderer and the real Suricata 7.
func TestFastPatternAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, fastPatternRules)
}
