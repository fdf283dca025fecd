package suricata

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/suricata/internal/rulecheck"
)

// A pcre capture stores a flowvar or pktvar that the sensor's own rules
// read (flowvar:user,"admin"): a passed-through rule's capture names take
// StatePrefix, in both of Suricata 7's forms, and so do the flowvar and
// pktvar options of the list's rules that read them. A rule whose
// renamed capture could change what its regex matches, or would not
// compile, is dropped.
func TestStateCaptureNamespace(t *testing.T) {
	cases := []struct {
		name string
		opts []string
		want []string
	}{
		{"named groups", []string{
			`content:"u"; pcre:"/u=(?P<flow_user>\w+)&p=(?P<pkt_pass>\w+)/";`,
			`flowvar:user,"admin"; pktvar:pass,"x";`,
			`flowvar:other,"admin"; pktvar:user,"x";`,
			`content:"v"; pcre:"/v(?P<Flow_a>x)(?P<alert_b>y)(?P<flowx>z)/";`,
		}, []string{
			`content:"u"; pcre:"/u=(?P<flow_cratos_user>\w+)&p=(?P<pkt_cratos_pass>\w+)/";`,
			`flowvar:cratos_user,"admin"; pktvar:cratos_pass,"x";`,
			`flowvar:other,"admin"; pktvar:user,"x";`,
			`content:"v"; pcre:"/v(?P<Flow_a>x)(?P<alert_b>y)(?P<flowx>z)/";`,
		}},
		{"names after the regex", []string{
			`content:"u"; pcre:"/u=(\w+)&p=(\w+)/, flow:user, pkt:pass";`,
			`content:"k"; pcre:"/k ([a-z]+)=([a-z]+)/,pkt:key,pkt:value";`,
			`FlowVar:user,"admin"; PKTVAR:pass,"x";`,
			`content:"w"; pcre:"/w overflow:(\w+)/";`,
		}, []string{
			`content:"u"; pcre:"/u=(\w+)&p=(\w+)/, flow:cratos_user, pkt:cratos_pass";`,
			`content:"k"; pcre:"/k ([a-z]+)=([a-z]+)/,pkt:key,pkt:value";`,
			`FlowVar:cratos_user,"admin"; PKTVAR:cratos_pass,"x";`,
			`content:"w"; pcre:"/w overflow:(\w+)/";`,
		}},
		{"a renamed group the regex refers to, or too long", []string{
			`content:"u"; pcre:"/u(?P<flow_x>a)(?P=flow_x)/";`,
			`content:"u"; pcre:"/u(?P<flow_y>a)\k<flow_y>/";`,
			`content:"u"; pcre:"/u\(?P<flow_z>a/";`,
			`content:"u"; pcre:"/u(?P<flow_abcdefghijklmnopqrstuvw>a)/";`,
			`content:"u"; pcre:"/u(?P<flow_abcdefghijklmnopqrs>a)/";`,
		}, []string{"", "", "", "", `content:"u"; pcre:"/u(?P<flow_cratos_abcdefghijklmnopqrs>a)/";`}},
		{"a flowvar option Suricata reads otherwise", []string{
			`flowvar:x ,"a";`, `pktvar:a|b,"a";`, `flowvar:x,"a";`,
		}, []string{"", "", `flowvar:x,"a";`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkPassedThrough(t, tc.opts, tc.want) })
	}
	// Suricata refuses a flowvar or pktvar without content, and with it
	// the whole ruleset under suricata -T.
	for _, opt := range []string{`flowvar:x;`, `pktvar:x;`, `flowvar:x,a;`, `pktvar:x,"a`} {
		if _, _, reason := rulecheck.Check(mispRule(0, opt)); reason == "" {
			t.Errorf("%s: kept", opt)
		}
	}
}

// Over real traffic, a passed-through rule's pcre capture leaves the
// flowvar the sensor's own rules read as it was, and a passed-through
// rule still reads the capture of another.
func TestStateCaptureTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs suricata")
	}
	const flow = `flow:established,to_server; `
	sensor := []string{
		`alert tcp any any -> any any (msg:"sensor capture"; ` + flow + `content:"USER "; pcre:"/USER (?P<flow_user>\w+)/"; noalert; sid:1;)`,
		`alert tcp any any -> any any (msg:"sensor admin"; ` + flow + `content:"check"; flowvar:user,"admin"; sid:2;)`,
	}
	misp := []indicator.Indicator{
		ind(indicator.Snort, mispRule(0, flow+`content:"MISPSET"; pcre:"/MISPSET (?P<flow_user>\w+)/"; noalert;`)),
		ind(indicator.Snort, mispRule(1, flow+`content:"MISPCAP"; pcre:"/MISPCAP (\w+)/, flow:user"; noalert;`)),
		ind(indicator.Snort, mispRule(2, flow+`content:"stage2"; flowvar:user,"admin";`)),
	}
	out, drops := renderOut(t, "", nil, misp)
	if len(drops) > 0 {
		t.Errorf("drops %v", drops)
	}
	checkConversations(t, out+strings.Join(sensor, "\n")+"\n", []conversation{
		{[]string{"MISPSET admin", "check"}, nil},
		{[]string{"MISPCAP admin", "check"}, nil},
		{[]string{"MISPSET admin", "stage2"}, []uint64{9000003}},
		{[]string{"USER admin", "check stage2"}, []uint64{2}},
	})

}
