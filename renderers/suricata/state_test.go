package suricata

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
)

// mispRule is a passed-through rule with options opts and SID 9000001+i.
func mispRule(i int, opts string) string {
	return fmt.Sprintf(`alert tcp any any -> any any (msg:"m%d"; %s sid:%d;)`, i, opts, 9000001+i)
}

// sensorSets stands for the sensor's own rules, which set the flowbits the
// passed-through rules of TestStateNamespace only read (Suricata warns of
// a flowbit read and never set).
const sensorSets = `alert tcp any any -> any any (msg:"sensor"; flowbits:set,ET.c; flowbits:set,X; flowbits:set,h; flowbits:set,a; flowbits:set,cnt; flowbits:noalert; sid:1;)`

// A passed-through rule never writes a state variable the sensor's own
// rules test: every flowbit, hostbit, xbit and flowint name a rule of the
// list writes takes StatePrefix, in the rules that write it and in those
// that read it, so the list's own chains keep working; names the rules
// only read stay, and the SIDs are the rules' own.
func TestStateNamespace(t *testing.T) {
	cases := []struct {
		name string
		opts []string
		want []string // each rule's options as written, "" when it is dropped
	}{
		{"flowbit set, read before and after", []string{
			`content:"b"; flowbits:isset,ET.http.javaclient;`,
			`content:"a"; flowbits:set,ET.http.javaclient; flowbits:noalert;`,
			`content:"c"; flowbits: isnotset,  ET.http.javaclient ;`,
			`flowbits: isnotset , ET.http.javaclient;`,
		}, []string{
			`content:"b"; flowbits:isset,cratos_ET.http.javaclient;`,
			`content:"a"; flowbits:set,cratos_ET.http.javaclient; flowbits:noalert;`,
			`content:"c"; flowbits: isnotset,  cratos_ET.http.javaclient ;`,
			"",
		}},
		{"unset and toggle; a sensor bit only read stays", []string{
			`flowbits:set,ET.a;`, `flowbits:unset,ET.a;`, `flowbits:toggle,ET.b;`, `flowbits:isset,ET.c; flowbits:isset,ET.a|ET.c | ET.b;`,
		}, []string{
			`flowbits:set,cratos_ET.a;`, `flowbits:unset,cratos_ET.a;`, `flowbits:toggle,cratos_ET.b;`, `flowbits:isset,ET.c; flowbits:isset,cratos_ET.a|ET.c | cratos_ET.b;`,
		}},
		{"names are case-sensitive", []string{`flowbits:set,x;`, `flowbits:isset,X;`},
			[]string{`flowbits:set,cratos_x;`, `flowbits:isset,X;`}},
		{"hostbits and xbits share host bits, not IP pair bits or flowbits", []string{
			`hostbits:set,h,src;`, `xbits:isset,h,track ip_dst;`, `xbits:set,p,track ip_pair,expire 60;`,
			`hostbits:isset,p;`, `flowbits:isset,h;`, `xbits:unset,q,track  ip_src;`, `hostbits: isnotset , q ,dst;`,
		}, []string{
			`hostbits:set,cratos_h,src;`, `xbits:isset,cratos_h,track ip_dst;`, `xbits:set,cratos_p,track ip_pair,expire 60;`,
			`hostbits:isset,p;`, `flowbits:isset,h;`, `xbits:unset,cratos_q,track  ip_src;`, `hostbits: isnotset , cratos_q ,dst;`,
		}},
		{"flowint written by =, + and -, and read as a target", []string{
			`flowint:cnt,+,1;`, `flowbits:isset,a||cnt;`, `flowint: cnt , > , 3;`, `flowint:max,=,cnt;`, `flowint:ET.seen,>=,cnt;`, `flowint:left,-,1; flowint:left,isnotset;`,
		}, []string{
			`flowint:cratos_cnt,+,1;`, `flowbits:isset,a||cnt;`, `flowint: cratos_cnt , > , 3;`, `flowint:cratos_max,=,cratos_cnt;`, `flowint:ET.seen,>=,cratos_cnt;`, `flowint:cratos_left,-,1; flowint:cratos_left,isnotset;`,
		}},
		{"options Suricata does not read as written or the renderer cannot rename", []string{
			`flowbits:SET,x;`, `flowbits:set,a b;`, `flowbits:set x;`, `flowbits:isset,|;`, `flowbits:noalert,x;`,
			`flowint:x,+,1;`, `flowint:cnt,+=,1;`, `xbits:set,x,track ip_both;`, `xbits:set,x;`, `hostbits:set;`,
			`flowbits:set,` + strings.Repeat("n", 256) + `;`, `flowbits:isset,a; flowbits:noalert;`,
		}, []string{"", "", "", "", "", "", "", "", "", "", "", `flowbits:isset,a; flowbits:noalert;`}},
		{"a renamed name Suricata would not read", []string{
			`flowbits:set,` + strings.Repeat("n", 250) + `;`, `flowbits:set,short;`,
		}, []string{"", `flowbits:set,cratos_short;`}},
		{"a rule dropped once renamed writes nothing the others read", []string{
			`flowbits:set,a|` + strings.Repeat("n", 240) + `;`, `flowbits:isnotset,a;`,
		}, []string{"", `flowbits:isnotset,a;`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkPassedThrough(t, tc.opts, tc.want) })
	}
}

// checkPassedThrough renders passed-through rules with options opts and
// checks that rule i is written with options want[i], or dropped as
// DropStateOption where want[i] is "", and that the list loads in
// Suricata next to sensorSets.
func checkPassedThrough(t *testing.T, opts, wantOpts []string) {
	t.Helper()
	var in []indicator.Indicator
	var want []string
	var drops map[string]int
	for i, o := range opts {
		in = append(in, ind(indicator.Snort, mispRule(i, o)))
		if wantOpts[i] != "" {
			want = append(want, mispRule(i, wantOpts[i]))
		} else {
			drops = map[string]int{DropStateOption: drops[DropStateOption] + 1}
		}
	}
	// The rules are written when the first other indicator comes.
	in = append(in, ind(indicator.JA3, "e7d705a3286e19ea42f587b344ee6865"))
	out, gotDrops := renderOut(t, "", nil, in)
	got := rules(out)
	if len(got) > 0 {
		got = got[:len(got)-1] // the JA3 rule
	}
	if !slices.Equal(got, want) {
		t.Errorf("rules\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !maps.Equal(gotDrops, drops) {
		t.Errorf("drops %v, want %v", gotDrops, drops)
	}
	if testing.Short() {
		return
	}
	if err := realtools.SuricataTest(t, out+sensorSets+"\n", nil); err != nil {
		t.Errorf("rules do not load: %v", err)
	}
}

// Over real traffic, a passed-through rule that sets or unsets a flowbit
// of the sensor's own rules leaves them as they were, a chain of
// passed-through rules still fires, and a passed-through rule still reads
// the sensor's own bit.
func TestStateTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs suricata")
	}
	const flow = `flow:established,to_server; `
	sensor := []string{
		`alert tcp any any -> any any (msg:"sensor set"; ` + flow + `content:"SENSORSET"; flowbits:set,ET.java; flowbits:set,ET.only; flowbits:noalert; sid:1;)`,
		`alert tcp any any -> any any (msg:"sensor java"; ` + flow + `content:"java"; flowbits:isset,ET.java; sid:2;)`,
	}
	misp := []indicator.Indicator{
		ind(indicator.Snort, mispRule(0, flow+`content:"MISPSET"; flowbits:set,ET.java; flowbits:noalert;`)),
		ind(indicator.Snort, mispRule(1, flow+`content:"MISPUNSET"; flowbits:unset,ET.java; flowbits:noalert;`)),
		ind(indicator.Snort, mispRule(2, flow+`content:"stage2"; flowbits:isset,ET.java;`)),
		ind(indicator.Snort, mispRule(3, flow+`content:"probe"; flowbits:isset,ET.only;`)),
	}
	out, drops := renderOut(t, "", nil, misp)
	if len(drops) > 0 {
		t.Fatalf("drops %v", drops)
	}
	checkConversations(t, out+strings.Join(sensor, "\n")+"\n", []conversation{
		{[]string{"MISPSET", "java stage2"}, []uint64{9000003}},
		{[]string{"SENSORSET", "MISPUNSET", "java"}, []uint64{2}},
		{[]string{"SENSORSET", "probe"}, []uint64{9000004}},
		{[]string{"java stage2 probe"}, nil},
	})

}

// conversation is one TCP connection of a capture: what the client sends,
// segment by segment, and the SIDs of the rules that alert on it, sorted.
type conversation struct {
	sends []string
	sids  []uint64
}

// checkConversations replays convs, one connection each, through the real
// Suricata loaded with rules, and checks which rules alert on each.
func checkConversations(t *testing.T, rules string, convs []conversation) {
	t.Helper()
	var capture [][]realtools.Segment
	for _, c := range convs {
		var segs []realtools.Segment
		for _, s := range c.sends {
			segs = append(segs, realtools.Segment{Client: true, Data: s})
		}
		capture = append(capture, segs)
	}
	alerts, err := realtools.SuricataAlerts(t, rules, realtools.TCPCapture(8000, capture...))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]uint64, len(convs))
	for _, a := range alerts {
		i := a.SrcPort - 40000
		if i < 0 || i >= len(convs) {
			t.Fatalf("alert %+v from no conversation", a)
		}
		got[i] = append(got[i], a.SID)
	}
	for i, c := range convs {
		slices.Sort(got[i])
		if !slices.Equal(got[i], c.sids) {
			t.Errorf("%q: alerts %v, want %v", c.sends, got[i], c.sids)
		}
	}
}
