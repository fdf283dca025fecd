package rulecheck

import (
	"strings"
	"testing"
)

// referenceRules are rules with reference values, with whether Suricata 7
// loads them.
var referenceRules = []keywordRule{
	{"tcp", `content:"x"; reference:url,"example.com/get.php?id=2295"; reference:cve,2023-1234;`, true},
	{"tcp", `content:"x"; reference:url, "a b"; reference: URL9 , example.com/"a";`, true},
	{"tcp", `content:"x"; reference:url,"example.com; reference:url,"" a; reference:url,a b c;`, true},
	{"tcp", `content:"x"; reference:url,#x;`, false},
	{"tcp", `content:"x"; reference:url, :x;`, false},
	{"tcp", `content:"x"; reference:url,"""x";`, false},
	{"tcp", `content:"x"; reference:"url,example.com";`, false},
	{"tcp", `content:"x"; reference:1url,x;`, false},
	{"tcp", `content:"x"; reference:u-rl,x;`, false},
	{"tcp", `content:"x"; reference:url;`, false},
	{"tcp", `content:"x"; reference:url,;`, false},
	{"tcp", `content:"x"; reference:url,%x;`, false},
	{"tcp", `content:"x"; reference:` + strings.Repeat("a", 63) + `,x; reference:url,` + strings.Repeat("b", 1023) + `;`, true},
	{"tcp", `content:"x"; reference:` + strings.Repeat("a", 64) + `,x;`, false},
	{"tcp", `content:"x"; reference:url,` + strings.Repeat("b", 1024) + `;`, false},
}

// TestReferenceAsSuricata checks reference values against the renderer
// and the real Suricata 7.
func TestReferenceAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, referenceRules)
}
