package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

func site(g config.Guard) *config.Site { return &config.Site{Name: "misp.example", Guard: g} }

func TestPolicyCheck(t *testing.T) {
	global := config.NeverBlock{CIDRs: []string{"198.51.100.53"}, Domains: []string{"corp.example"}, URLs: []string{"https://portal.partner.example/login", "http://192.0.2.80/admin"}}
	def := New(site(config.Guard{}), global, "https://misp.sec.example:443", "https://203.0.113.250")
	ips := New(site(config.Guard{SnortActions: []string{"alert", "drop"}, MinPrefixV4: 4, AllowReserved: true}), config.NeverBlock{})
	tests := []struct {
		name string
		p    *Policy
		typ  indicator.Type
		val  string
		rule string // "" kept
	}{
		{"v4 whole internet", def, indicator.IPv4Net, "0.0.0.0/0", RuleWidePrefix},
		{"v6 whole internet", def, indicator.IPv6Net, "::/0", RuleWidePrefix},
		{"v4 /1", def, indicator.IPv4Net, "0.0.0.0/1", RuleWidePrefix},
		{"v4 /7", def, indicator.IPv4Net, "4.0.0.0/7", RuleWidePrefix},
		{"v4 /8 public kept", def, indicator.IPv4Net, "4.0.0.0/8", ""},
		{"v6 /18", def, indicator.IPv6Net, "2a00::/18", RuleWidePrefix},
		{"v6 /19 kept", def, indicator.IPv6Net, "2a00::/19", ""},
		{"v6 net over all mapped IPv4", def, indicator.IPv6Net, "::fffe:0:0/95", RuleWidePrefix},
		{"v6 net over all NAT64 IPv4", def, indicator.IPv6Net, "64:ff9b::/96", RuleWidePrefix},
		{"v6 net over all mapped IPv4 with reserved allowed", ips, indicator.IPv6Net, "::/80", RuleWidePrefix},
		{"one NAT64 address kept", def, indicator.IPv6, "64:ff9b::2d4d:1028", ""},
		{"NAT64 address of a private one", def, indicator.IPv6, "64:ff9b::a00:1", RuleReserved},
		{"NAT64 address of a never-block one", def, indicator.IPv6, "64:ff9b::c633:6435", RuleNeverBlock},
		{"NAT64 net as wide as an IPv4 /4", def, indicator.IPv6Net, "64:ff9b::4000:0/100", RuleWidePrefix},
		{"NAT64 address of a private one with reserved allowed", ips, indicator.IPv6, "64:ff9b::a00:1", ""},
		{"carrier-grade NAT", def, indicator.IPv4, "100.64.1.1", RuleReserved},
		{"beside carrier-grade NAT kept", def, indicator.IPv4, "100.128.0.1", ""},
		{"domain that is a public suffix", def, indicator.Domain, "co.uk", RulePublicSuffix},
		{"hostname that is a public suffix", ips, indicator.Hostname, "com.br", RulePublicSuffix},
		{"domain under a public suffix kept", def, indicator.Domain, "bad.co.uk", ""},
		{"private-section suffix kept", def, indicator.Domain, "duckdns.org", ""},
		{"/0 even with a low minimum", ips, indicator.IPv4Net, "0.0.0.0/0", RuleWidePrefix},
		{"/4 with a low minimum", ips, indicator.IPv4Net, "64.0.0.0/4", ""},
		{"loopback", def, indicator.IPv4, "127.0.0.1", RuleReserved},
		{"unspecified", def, indicator.IPv4, "0.0.0.0", RuleReserved},
		{"rfc1918 10", def, indicator.IPv4, "10.1.2.3", RuleReserved},
		{"rfc1918 172", def, indicator.IPv4Net, "172.16.0.0/12", RuleReserved},
		{"net covering rfc1918", def, indicator.IPv4Net, "172.0.0.0/8", RuleReserved},
		{"rfc1918 192", def, indicator.IPv4, "192.168.1.1", RuleReserved},
		{"link-local", def, indicator.IPv4, "169.254.169.254", RuleReserved},
		{"multicast", def, indicator.IPv4, "239.1.1.1", RuleReserved},
		{"broadcast", def, indicator.IPv4, "255.255.255.255", RuleReserved},
		{"v6 loopback", def, indicator.IPv6, "::1", RuleReserved},
		{"v6 unspecified", def, indicator.IPv6, "::", RuleReserved},
		{"v6 link-local", def, indicator.IPv6, "fe80::1", RuleReserved},
		{"v6 multicast", def, indicator.IPv6, "ff02::1", RuleReserved},
		{"v6 ula", def, indicator.IPv6, "fd00::1", RuleReserved},
		{"reserved allowed", ips, indicator.IPv4, "10.1.2.3", ""},
		{"documentation v4 kept", def, indicator.IPv4, "192.0.2.1", ""},
		{"documentation v6 kept", def, indicator.IPv6, "2001:db8::1", ""},
		{"public kept", def, indicator.IPv4, "45.77.16.40", ""},
		{"never-block address", def, indicator.IPv4, "198.51.100.53", RuleNeverBlock},
		{"net over a never-block address", def, indicator.IPv4Net, "198.51.100.0/24", RuleNeverBlock},
		{"misp host address", def, indicator.IPv4, "203.0.113.250", RuleMISPHost},
		{"misp host name", def, indicator.Hostname, "misp.sec.example", RuleMISPHost},
		{"domain above the misp host", def, indicator.Domain, "sec.example", RuleMISPHost},
		{"hostname above the misp host", def, indicator.Hostname, "sec.example", RuleMISPHost},
		{"hostname beside the misp host kept", def, indicator.Hostname, "other.sec.example", ""},
		{"never-block domain", def, indicator.Domain, "corp.example", RuleNeverBlock},
		{"never-block subdomain", def, indicator.Hostname, "vpn.corp.example", RuleNeverBlock},
		{"lookalike kept", def, indicator.Domain, "evilcorp.example", ""},
		{"url on a never-block domain", def, indicator.URL, "http://vpn.corp.example/x", RuleNeverBlock},
		{"url on the misp address", def, indicator.URL, "https://203.0.113.250/events", RuleMISPHost},
		{"never-block url prefix", def, indicator.URL, "https://portal.partner.example/login?next=1", RuleNeverBlock},
		{"never-block url prefix without scheme", def, indicator.URL, "portal.partner.example/login", RuleNeverBlock},
		{"other url on that host kept", def, indicator.URL, "https://portal.partner.example/evil", ""},
		{"never-block url under another scheme", def, indicator.URL, "http://portal.partner.example/login", RuleNeverBlock},
		{"never-block url with user info", def, indicator.URL, "https://u@portal.partner.example/login", RuleNeverBlock},
		{"never-block url with a port", def, indicator.URL, "https://portal.partner.example:8443/login", RuleNeverBlock},
		{"url leading to a never-block url", def, indicator.URL, "https://portal.partner.example", RuleNeverBlock},
		{"url path leading to a never-block url", def, indicator.URL, "portal.partner.example/log", RuleNeverBlock},
		{"sibling path kept", def, indicator.URL, "https://portal.partner.example/logout", ""},
		{"hostname of a never-block url", def, indicator.Hostname, "portal.partner.example", RuleNeverBlock},
		{"domain above a never-block url", def, indicator.Domain, "partner.example", RuleNeverBlock},
		{"address of a never-block url", def, indicator.IPv4, "192.0.2.80", RuleNeverBlock},
		{"net over the address of a never-block url", def, indicator.IPv4Net, "192.0.2.0/24", RuleNeverBlock},
		{"name under a never-block url's host kept", def, indicator.Hostname, "cdn.portal.partner.example", ""},
		{"snort alert", def, indicator.Snort, "alert tcp any any -> any 80 (msg:\"x\"; sid:1;)", ""},
		{"snort pass", def, indicator.Snort, "pass ip any any -> any any (sid:1;)", RuleSnortAction},
		{"snort pass upper case", ips, indicator.Snort, "PASS ip any any -> any any (sid:1;)", RuleSnortAction},
		{"snort drop", def, indicator.Snort, "drop ip any any -> any any (sid:1;)", RuleSnortAction},
		{"snort drop for ips", ips, indicator.Snort, "drop ip any any -> any any (sid:1;)", ""},
		{"snort reject", ips, indicator.Snort, "reject tcp any any -> any any (sid:2;)", RuleSnortAction},
		{"snort second line pass", def, indicator.Snort, "alert ip any any -> any any (sid:1;)\npass ip any any -> any any (sid:2;)", RuleSnortAction},
		{"hash untouched", def, indicator.MD5, "d41d8cd98f00b204e9800998ecf8427e", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := tt.p.Check(indicator.Indicator{Type: tt.typ, Value: tt.val})
			if ok != (tt.rule == "") || v.Rule != tt.rule {
				t.Errorf("Check(%s %q) = %+v, %v; want rule %q", tt.typ, tt.val, v, ok, tt.rule)
			}
			if !ok && v.Detail == "" {
				t.Errorf("no detail for %q", tt.val)
			}
		})
	}
}

func TestBreaker(t *testing.T) {
	b := BreakerOf(&config.Site{})
	tests := []struct {
		prev, cur int
		hold      bool
	}{
		{0, 0, false}, {5, 0, true}, {1, 0, true}, {99, 1, false}, {100, 50, false},
		{100, 49, true}, {3512, 351, true}, {3512, 3000, false}, {100, 200, false},
	}
	for _, tt := range tests {
		why, hold := b.Hold(tt.prev, tt.cur)
		if hold != tt.hold || hold && why == "" {
			t.Errorf("Hold(%d, %d) = %q, %v; want %v", tt.prev, tt.cur, why, hold, tt.hold)
		}
	}
	off := false
	if _, hold := BreakerOf(&config.Site{Guard: config.Guard{CircuitBreaker: &off}}).Hold(100, 0); hold {
		t.Error("circuit_breaker: false still holds")
	}
	if _, hold := BreakerOf(&config.Site{Guard: config.Guard{HoldDropPercent: 90}}).Hold(1000, 200); hold {
		t.Error("hold_drop_percent 90 held a loss of 80%")
	}
}
