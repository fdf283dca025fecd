package suricata

import (
	"testing"

	"github.com/cratos-project/cratos/renderers/suricata/internal/rulecheck"
)

// Suricata reads rule keywords in any case (FLOWBITS, Content, SID): a
// passed-through rule written so loads, and its state names are renamed
// as in lower case, so that it writes no bit of the sensor's own rules.
func TestStateKeywordCase(t *testing.T) {
	cases := []struct {
		name string
		opts []string
		want []string
	}{
		{"flowbits", []string{
			`FLOWBITS:set,ET.http.javaclient; FlowBits:noalert;`,
			`Content:"a"; NOCASE; flowBits : isset,ET.http.javaclient;`,
			`FLOWBITS:isset,ET.c;`,
		}, []string{
			`FLOWBITS:set,cratos_ET.http.javaclient; FlowBits:noalert;`,
			`Content:"a"; NOCASE; flowBits : isset,cratos_ET.http.javaclient;`,
			`FLOWBITS:isset,ET.c;`,
		}},
		{"hostbits, xbits and flowint", []string{
			`HostBits:set,h,src;`, `XBITS:set,p,track ip_pair;`, `FlowInt:cnt,+,1;`, `xbits:isset,p,track ip_pair; flowint:cnt,>,2;`,
		}, []string{
			`HostBits:set,cratos_h,src;`, `XBITS:set,cratos_p,track ip_pair;`, `FlowInt:cratos_cnt,+,1;`, `xbits:isset,cratos_p,track ip_pair; flowint:cratos_cnt,>,2;`,
		}},
		{"a malformed option in upper case", []string{`FLOWBITS:SET,x;`, `FlowInt:x,+,1;`}, []string{"", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkPassedThrough(t, tc.opts, tc.want) })
	}
}

// A passed-through rule's sid, gid and content are read whatever the case
// of their keywords.
func TestKeywordCase(t *testing.T) {
	tests := []struct {
		rule   string
		sid    uint64
		reason string
	}{
		{`alert tcp any any -> any any (MSG:"a"; Content:"abc"; NoCase; SID:7; Rev:1;)`, 7, ""},
		{`alert tcp any any -> any any (msg:"a"; GID:3; sid:7;)`, 7, ""},
		{`alert tcp any any -> any any (msg:"a"; SID:7; sid:8;)`, 0, "snort rule without exactly one sid"},
		{`alert tcp any any -> any any (msg:"a"; CONTENT:"|4|"; sid:7;)`, 0, "snort rule with an unknown keyword or a malformed option"},
		{`alert tcp any any -> any any (msg:"a"; SID:x;)`, 0, "snort rule with an invalid sid"},
	}
	for _, tt := range tests {
		gid, sid, reason := rulecheck.Check(tt.rule)
		if sid != tt.sid || reason != tt.reason {
			t.Errorf("rulecheck.Check(%q) = %d, %d, %q; want sid %d, %q", tt.rule, gid, sid, reason, tt.sid, tt.reason)
		}
		if tt.rule == tests[1].rule && gid != 3 {
			t.Errorf("rulecheck.Check(%q) gid = %d, want 3", tt.rule, gid)
		}
	}
}
