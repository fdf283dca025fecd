package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// A URL on the NAT64 address of a never-block or MISP address reaches
// that address from an IPv6-only network, as an IP entry does.
func TestURLOnNAT64Address(t *testing.T) {
	p := New(site(config.Guard{}), config.NeverBlock{CIDRs: []string{"198.51.100.53", "64:ff9b::c000:201"}}, "https://203.0.113.250")
	tests := []struct{ url, rule string }{
		{"http://[64:ff9b::c633:6435]/x", RuleNeverBlock},
		{"https://[64:ff9b::cb00:71fa]/events", RuleMISPHost},
		{"http://198.51.100.53/x", RuleNeverBlock},
		{"http://[64:ff9b::c000:201]/x", RuleNeverBlock},
		{"http://[64:ff9b::2d4d:1028]/x", ""},
	}
	for _, tt := range tests {
		v, ok := p.Check(indicator.Indicator{Type: indicator.URL, Value: tt.url})
		if ok != (tt.rule == "") || v.Rule != tt.rule {
			t.Errorf("Check(%q) = %+v, %v; want rule %q", tt.url, v, ok, tt.rule)
		}
	}
}
