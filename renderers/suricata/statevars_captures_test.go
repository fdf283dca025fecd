package suricata

import "testing"

// Suricata 7 refuses a pcre with more names after the regex than the
// regex has capturing groups, as PCRE2 counts them, and with it the whole
// ruleset under suricata -T; with no group it ignores the names. Such a
// rule is dropped, one with enough groups kept and renamed, and one whose
// groups the renderer cannot count (a branch reset) dropped.
func TestCaptureNamesOutnumberGroups(t *testing.T) {
	checkPassedThrough(t, []string{
		`content:"u"; pcre:"/u(a)(b)/, flow:x, flow:y";`,
		`content:"u"; pcre:"/u(a)/, flow:x, flow:y";`,
		`content:"u"; pcre:"/ua/, flow:x";`,
		`content:"u"; pcre:"/u(a)(?:b)(?=c)(?<=u)[(]\(\Q(\E(?#()\c(/, flow:x, flow:y";`,
		`content:"u"; pcre:"/u(a)(?:b)(?=c)(?<=u)[(]\(\Q(\E(?#()\c(/, flow:x";`,
		`content:"u"; pcre:"/u(?<n>a)(?'m'b)(?P<o>c)[]()][[:alpha:](]/, flow:x, flow:y, flow:z";`,
		`content:"u"; pcre:"/u(?(1)a|b)(c)/, flow:x, flow:y";`,
		`content:"u"; pcre:"/u(?|(a)|(b))/, flow:x";`,
		`content:"u"; pcre:"/u(a) #b/x, flow:x";`,
	}, []string{
		`content:"u"; pcre:"/u(a)(b)/, flow:cratos_x, flow:cratos_y";`,
		"",
		"",
		"",
		`content:"u"; pcre:"/u(a)(?:b)(?=c)(?<=u)[(]\(\Q(\E(?#()\c(/, flow:cratos_x";`,
		`content:"u"; pcre:"/u(?<n>a)(?'m'b)(?P<o>c)[]()][[:alpha:](]/, flow:cratos_x, flow:cratos_y, flow:cratos_z";`,
		"",
		"",
		"",
	})
}

// Suricata 7 reads "(?P<flow_name>" anywhere in a pcre value, a literal
// one in a character class, \Q…\E or a comment too, and stores a capture
// in the flowvar it names; renaming it would change what the regex
// matches ([(?P<flow_x>] would match "c" too). Such a rule is dropped.
func TestCaptureGroupLiteral(t *testing.T) {
	checkPassedThrough(t, []string{
		`content:"u"; pcre:"/u[(?P<flow_x>]/";`,
		`content:"u"; pcre:"/u\Q(?P<flow_x>\E/";`,
		`content:"u"; pcre:"/u(?#(?P<flow_x>)/";`,
		`content:"u"; pcre:"/u[)](?P<flow_x>a)\Q[\E(?P<pkt_y>b)/";`,
	}, []string{"", "", "",
		`content:"u"; pcre:"/u[)](?P<flow_cratos_x>a)\Q[\E(?P<pkt_cratos_y>b)/";`,
	})
}
