package rulecheck

import "testing"

// extendedPcres are pcre values with the x flag, with whether Suricata 7
// loads them: PCRE skips white space and "#" comments outside character
// classes and escapes, so brackets there need no partner.
var extendedPcres = []struct {
	value string
	loads bool
}{
	{`"/u(a) #(b/x"`, true},
	{`"/u(a) # [b/x"`, true},
	{`"/u (a) b/x"`, true},
	{`"/u(a)#)/xi"`, true},
	{`"/u(a) #(b/"`, false},
	{`"/u[#](a/x"`, false},
	{`"/u[]#](a/x"`, false},
	{`"/u[[:alpha:]#](a/x"`, false},
	{`"/u\#(a/x"`, false},
	{`"/u(a #)/x"`, false},
	{`"/u[ (]a/x"`, true},
}

// TestExtendedPcreAsSuricata checks pcre values with the x flag against
// the renderer and the real Suricata 7.
func TestExtendedPcreAsSuricata(t *testing.T) {
	rules := make([]keywordRule, len(extendedPcres))
	for i, p := range extendedPcres {
		rules[i] = keywordRule{"tcp", "pcre:" + p.value + ";", p.loads}
	}
	checkRulesAsSuricata(t, rules)
}
