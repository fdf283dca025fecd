package suricata

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
)

// headerCases are passed-through rule headers and the drop reason the
// renderer gives ("" = kept). TestSnortHeaders checks each verdict, and
// with suricata installed that every kept header loads and every refused
// one (unless refusedLoads) does not.
var headerCases = []struct {
	header, reason string
	refusedLoads   bool // refused although Suricata would load it
}{
	{header: "tcp any any -> any any"},
	{header: "TCP ![$HOME_NET,1.2.3.0/24] any <> [::1,2001:db8::/32] :1024"},
	{header: "tcp 1.2.3.4/24 any -> any any"},
	{header: "tcp 1.2.3.4-1.2.3.9 1: -> $HOME_NET [80,!81]"},
	{header: "tcp [1.2.3.4,[5.6.7.8,[9.9.9.9]]] 080 -> any 1:1"},
	{header: "tcp any [1:10,!5:20] -> [!1.2.3.0/24] [!1:65535]"},
	{header: "tcp [1.2.3.0/24,!5.5.5.5] !1: -> [any,!1.2.3.4] any"},
	{header: "tcp $EXTERNAL_NET any -> $AIM_SERVERS $SHELLCODE_PORTS"},
	{header: "tcp !$EXTERNAL_NET any -> ![$HOME_NET] $FILE_DATA_PORTS"},
	{header: "tcp [!1.2.3.4,!1.2.3.5] any -> [1.1.1.1,!2001:db8::1] [80,80]"},
	{header: "tcp ![1.2.3.4,!$HOME_NET] any -> ![1.2.3.4,!1.2.3.5] any"},
	{header: "http2 any any -> any any"},
	{header: "0 0 0 -> 0 0", reason: "snort rule with a protocol a stock Suricata does not load"},
	{header: "ssl any any -> any any", reason: "snort rule with a protocol a stock Suricata does not load"},
	{header: "modbus any any -> any any", reason: "snort rule with a protocol a stock Suricata does not load"},
	{header: "tcp 0 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp 01.2.3.4 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp !any any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp $FOO any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp !0.0.0.0/0 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.4,!1.2.3.4] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.0/24,!1.2.0.0/16] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.0/25,1.2.3.128/25,!1.2.3.0/24] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.0/24,!1.2.3.0/25,!1.2.3.128/25] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [!$HOME_NET,!$EXTERNAL_NET] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp any any -> ![::/0] any", reason: "snort rule with an invalid address"},
	{header: "tcp 10.0.0.9-10.0.0.1 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp fe80::1%eth0 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp any any -> any $HOME_NET", reason: "snort rule with an invalid port"},
	{header: "tcp any 65536 -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any 10:5 -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any !0:65535 -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any [1:5,!1:5] -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any any => any any", reason: "snort rule with a malformed header"},
	{header: "tcp any [80, 81] -> any any", reason: "snort rule with a malformed header", refusedLoads: true},
	{header: "tcp !!1.2.3.4 any -> any any", reason: "snort rule with an invalid address", refusedLoads: true},
	{header: "tcp ::ffff:1.2.3.4 any -> any any", reason: "snort rule with an invalid address", refusedLoads: true},
}

func TestSnortHeaders(t *testing.T) {
	var kept []string
	for i, tc := range headerCases {
		rule := fmt.Sprintf(`alert %s (msg:"h%d"; sid:%d;)`, tc.header, i, 100+i)
		out, drops := renderOut(t, "", nil, []indicator.Indicator{ind(indicator.Snort, rule)})
		got := ""
		for reason := range drops {
			got = reason
		}
		if got != tc.reason {
			t.Errorf("%s: drop reason %q, want %q", tc.header, got, tc.reason)
		}
		if tc.reason == "" {
			if rs := rules(out); len(rs) != 1 || rs[0] != rule {
				t.Errorf("%s: rules %q, want the rule unchanged", tc.header, rs)
			}
			kept = append(kept, rule)
		}
	}
	if testing.Short() {
		return
	}
	if err := realtools.SuricataTest(t, strings.Join(kept, "\n")+"\n", nil); err != nil {
		t.Errorf("kept rules do not load: %v", err)
	}
	// The refused rules are loaded a few at a time: Suricata names each
	// signature it cannot parse (in two or three lines), and the error
	// quotes its first 20 lines.
	var refused []string
	for i, tc := range headerCases {
		if tc.reason != "" && !tc.refusedLoads {
			refused = append(refused, fmt.Sprintf(`alert %s (msg:"h%d"; sid:%d;)`, tc.header, i, 100+i))
		}
	}
	for batch := range slices.Chunk(refused, 6) {
		err := realtools.SuricataTest(t, strings.Join(batch, "\n")+"\n", nil)
		for _, rule := range batch {
			if err == nil || !strings.Contains(err.Error(), `error parsing signature "`+rule+`"`) {
				t.Errorf("%s: refused, but Suricata loads it (%v)", rule, err)
			}
		}
	}
}
