package suricatadataset

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

func TestIPv4Alias(t *testing.T) {
	rendertest.BlockRows(t, Renderer{}, []rendertest.TypedRow{
		{"IPv6 read as an IPv4 address", "ipv6", nil, []indicator.Indicator{
			ind(indicator.IPv6, "::"), ind(indicator.IPv6, "2001:db8::"), ind(indicator.IPv6, "2001:db8::1"), ind(indicator.IPv6, "::1:0:0:0")},
			"2001:db8::1\n::1:0:0:0\n", map[string]int{DropIPv4Alias: 2}},
		{"IPv4 kept", "", map[string]string{"type": "ip"}, []indicator.Indicator{ind(indicator.IPv4, "32.1.13.184")},
			"32.1.13.184\n", nil},
	})
}

// TestIPv4AliasRealTool runs a rule on an ip dataset rendered from IPv6
// addresses whose last 96 bits are zero, one of them a00:2::, over
// traffic to the IPv4 address 10.0.0.2 (0a00:0002): Suricata keeps an
// IPv4 address as its four bytes followed by zeros, so a00:2:: in the
// set would match that traffic. No alert is raised.
func TestIPv4AliasRealTool(t *testing.T) {
	out, drops := renderOut(t, "ipv6", nil, []indicator.Indicator{ind(indicator.IPv6, "a00:2::"), ind(indicator.IPv6, "2001:db8::7")})
	if out != "2001:db8::7\n" || drops[DropIPv4Alias] != 1 {
		t.Fatalf("output %q, drops %v", out, drops)
	}
	set := filepath.Join(t.TempDir(), "set.lst")
	if err := os.WriteFile(set, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	rule := `alert ip any any -> any any (msg:"set"; ip.dst; dataset:isset,cratos-set,type ip,load ` + set + `; sid:1; rev:1;)` + "\n"
	alerts, err := realtools.SuricataAlerts(t, rule, realtools.TCPCapture(80, []realtools.Segment{{Client: true, Data: "GET / HTTP/1.0\r\n\r\n"}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 0 {
		t.Fatalf("%d alerts on traffic to 10.0.0.2, want none", len(alerts))
	}
}
