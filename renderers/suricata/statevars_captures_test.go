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

// Suricata 7 stores at most 8 captures of a pcre: a named group past them,
// whatever its store, fails the rule, and names after the regex past them
// are ignored; it refuses pkt:value but right after pkt:key, and pkt:key
// before anything else. Such rules are dropped; 8 captures are kept.
func TestCaptureLimitAndKeyValue(t *testing.T) {
	const eight = `(?P<flow_a>a)(?P<flow_b>a)(?P<flow_c>a)(?P<flow_d>a)(?P<flow_e>a)(?P<flow_f>a)(?P<flow_g>a)`
	const after = `flow:a, flow:b, flow:c, flow:d, flow:e, flow:f, flow:g, flow:h`
	checkPassedThrough(t, []string{
		`content:"u"; pcre:"/u` + eight + `(?P<pkt_h>a)/";`,
		`content:"u"; pcre:"/u` + eight + `(?P<pkt_h>a)(?P<flow_i>a)/";`,
		`content:"u"; pcre:"/u` + eight + `(?P<pkt_h>a)(?P<alert_i>a)/";`,
		`content:"u"; pcre:"/u(a)(b)(c)(d)(e)(f)(g)(h)(?P<flow_i>i)/, ` + after + `";`,
		`content:"u"; pcre:"/u(a)(b)(c)(d)(e)(f)(g)(h)(i)/, ` + after + `, flow:i";`,
		`content:"u"; pcre:"/u(a)(b)(c)/, pkt:key, pkt:value, flow:x";`,
		`content:"u"; pcre:"/u(a)/, pkt:value";`,
		`content:"u"; pcre:"/u(a)(b)/, pkt:key, flow:x";`,
	}, []string{
		`content:"u"; pcre:"/u(?P<flow_cratos_a>a)(?P<flow_cratos_b>a)(?P<flow_cratos_c>a)(?P<flow_cratos_d>a)(?P<flow_cratos_e>a)(?P<flow_cratos_f>a)(?P<flow_cratos_g>a)(?P<pkt_cratos_h>a)/";`,
		"", "", "", "",
		`content:"u"; pcre:"/u(a)(b)(c)/, pkt:key, pkt:value, flow:cratos_x";`,
		"", "",
	})
}

// PCRE2 scopes an option setting to the group it is in, and (?-x) and
// (?^) turn extended mode off: a "#" there is literal, and the groups
// after it count. Such rules load in Suricata 7 and are kept; a "#"
// while extended mode is on is still not counted, and the rule dropped.
func TestCaptureGroupsExtendedScope(t *testing.T) {
	checkPassedThrough(t, []string{
		`content:"u"; pcre:"/u(?-x)(a) #b/x, flow:x";`,
		`content:"u"; pcre:"/u(?^)(a) #b/x, flow:x";`,
		`content:"u"; pcre:"/u(?x-x)(a) #b/, flow:x";`,
		`content:"u"; pcre:"/u(?x:(a))(b) #c/, flow:x, flow:y";`,
		`content:"u"; pcre:"/u(a(?x)b)#(c)/, flow:x, flow:y";`,
		`content:"u"; pcre:"/u(?(1)(?x)a|b)#(c)/, flow:x";`,
		`content:"u"; pcre:"/u(?x:(a)) #(b)/x, flow:x";`,
		`content:"u"; pcre:"/u(a)(?x) #b/, flow:x";`,
	}, []string{
		`content:"u"; pcre:"/u(?-x)(a) #b/x, flow:cratos_x";`,
		`content:"u"; pcre:"/u(?^)(a) #b/x, flow:cratos_x";`,
		`content:"u"; pcre:"/u(?x-x)(a) #b/, flow:cratos_x";`,
		`content:"u"; pcre:"/u(?x:(a))(b) #c/, flow:cratos_x, flow:cratos_y";`,
		`content:"u"; pcre:"/u(a(?x)b)#(c)/, flow:cratos_x, flow:cratos_y";`,
		`content:"u"; pcre:"/u(?(1)(?x)a|b)#(c)/, flow:cratos_x";`,
		"",
		"",
	})
}
