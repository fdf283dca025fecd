package rulecheck

import "testing"

// contentModifierRules are rules with content modifiers repeated, with
// whether Suricata 7 loads them.
var contentModifierRules = []keywordRule{
	{"http", `http.uri; content:"/main.html"; endswith; fast_pattern; endswith;`, true},
	{"tcp", `content:"a"; endswith; endswith; content:"b"; distance:0; endswith;`, true},
	{"tcp", `content:"a"; nocase; nocase;`, false},
	{"tcp", `content:"a"; rawbytes; rawbytes;`, false},
	{"tcp", `content:"a"; startswith; startswith;`, false},
	{"tcp", `endswith; content:"a";`, false},
	{"tcp", `content:"a"; endswith:1;`, false},
}

// TestContentModifiersAsSuricata checks repeated content modifiers
// against the renderer and the real Suricata 7.
func TestContentModifiersAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, contentModifierRules)
}
