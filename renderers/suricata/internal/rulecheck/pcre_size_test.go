package rulecheck

import "testing"

// pcreSizeRegexes are regexes near the size PCRE2 10.42 compiles at most
// (65536 code units), with whether Suricata 7 loads them: a repeated
// group is copied once for each count, a repeated character or class is
// not.
var pcreSizeRegexes = []struct {
	re    string
	loads bool
}{
	// Groups, alternations and nested counts.
	{`(ab){5400}`, true}, {`(ab){30000}`, false}, {`(ab){6553}`, false},
	{`(?:ab){0,3000}`, true}, {`(?:ab){0,4000}`, false}, {`(?:ab){3000}+c`, true}, {`(ab)\E(?#c)\Q\E{6553}`, false},
	{`(?:abc|def){2000}`, true}, {`(?:abc|def|ghi|jkl){3000}`, false}, {`(?:ab|cd|ef){0,3000}`, false},
	{`((a){20}){100}`, true}, {`((a){100}){100}`, false}, {`(?:(?:ab){0,1}){6000}`, false},
	{`(?:[a-z]){1500}`, true}, {`(?:[\pL\d]){500}`, true}, {`a{65535}[a-z]{65535}(?:a{65535}){1000}`, true},
	// Assertions: one without a maximum is repeated to one more than its minimum.
	{`e(?=x){5000}`, true}, {`e(?=x){10000}`, false}, {`e(*pla:x){10000}`, false}, {`e(?=x){5000,}`, true},
	{`e(?=x){10000,}`, false}, {`(?<=a(?<=x){4000})`, true}, {`(?<=a(?<=x){30000})`, false},
	// Calls are copied as groups.
	{`(a)(?1){5000}`, true}, {`(a)(?1){30000}`, false}, {`(a)\g<1>{7000}`, true}, {`(a)\g<1>{30000}`, false},
	{`(?<n>a)(?&n){30000}`, false},
	// Under (*UCP) a caseless k is a property of 3 units.
	{`(?i)(?:ks){5000}`, true}, {`(*UCP)(?i)(?:ks){4000}`, true}, {`(*UCP)(?i)(?:ks){6000}`, false},
}

// TestPcreSizeAsSuricata checks regexes near the largest PCRE2 compiles
// against the renderer and the real Suricata 7.
func TestPcreSizeAsSuricata(t *testing.T) {
	var rules []keywordRule
	for _, c := range pcreSizeRegexes {
		rules = append(rules, keywordRule{"tcp", `content:"x"; pcre:"/` + c.re + `/";`, c.loads})
	}
	checkRulesAsSuricata(t, rules)
}
