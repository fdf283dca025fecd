package rulecheck

import "testing"

// flagKeywordRules are rules with keywords that take no value, alone and
// together, with whether Suricata 7 loads them.
var flagKeywordRules = []keywordRule{
	{"tcp", `bypass;`, true},
	{"tcp", `filestore;`, true},
	{"http", `file_data; content:"x"; filestore;`, true},
	{"tcp", `bypass; filestore;`, false},
	{"tcp", `filestore; bypass;`, false},
	{"http", `file_data; content:"x"; filestore; content:"y"; bypass;`, false},
	{"tcp", `bypass; noalert;`, true},
}

// TestFlagKeywordsAsSuricata checks rules with keywords that take no
// value against the renderer and the real Suricata 7.
func TestFlagKeywordsAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, flagKeywordRules)
}
