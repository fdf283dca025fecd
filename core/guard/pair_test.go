package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// The other half of a composite attribute keeps the half a list takes out
// when it is on a warninglist that applies to the attribute's type, or is
// the operator's own; the rules on what a list may hold are not applied
// to it.
func TestCheckPair(t *testing.T) {
	global := config.NeverBlock{CIDRs: []string{"198.51.100.53"}, Domains: []string{"corp.example"}, URLs: []string{"https://portal.partner.example/login"}}
	w := NewWarninglists([]*List{
		{ID: "1", Name: "Top sites", Type: "hostname", Types: []string{"hostname", "domain", "domain|ip"}, Entries: []string{"google.com"}},
		{ID: "2", Name: "Resolvers", Type: "cidr", Types: []string{"ip-dst", "domain|ip"}, Entries: []string{"8.8.8.0/24"}},
		{ID: "3", Name: "Known files", Type: "string", Types: []string{"filename|md5"}, Entries: []string{"Setup.exe"}},
	})
	p := New(site(config.Guard{}), global, "https://misp.sec.example").WithWarninglists(w)
	tests := []struct {
		name     string
		typ      indicator.Type
		mispType string
		val      string
		rule     string // "" kept
	}{
		{"name on a hostname list", indicator.Hostname, "domain|ip", "www.google.com", RuleWarninglist},
		{"name on a list for other types", indicator.Hostname, "hostname|port", "www.google.com", ""},
		{"address on a cidr list", indicator.IPv4, "domain|ip", "8.8.8.8", RuleWarninglist},
		{"never_block address", indicator.IPv4, "domain|ip", "198.51.100.53", RuleNeverBlock},
		{"never_block address through NAT64", indicator.IPv6, "domain|ip", "64:ff9b::c633:6435", RuleNeverBlock},
		{"net over a never_block address", indicator.IPv4Net, "domain|ip", "198.51.100.0/24", ""},
		{"loopback sinkhole", indicator.IPv4, "domain|ip", "127.0.0.1", ""},
		{"never_block name", indicator.Hostname, "domain|ip", "mail.corp.example", RuleNeverBlock},
		{"name above a never_block name", indicator.Hostname, "domain|ip", "example", ""},
		{"MISP host", indicator.Hostname, "domain|ip", "misp.sec.example", RuleMISPHost},
		{"host of a never_block URL", indicator.Hostname, "domain|ip", "portal.partner.example", RuleNeverBlock},
		{"file name on a string list", indicator.Invalid, "filename|md5", "setup.exe", RuleWarninglist},
		{"port", indicator.Invalid, "ip-dst|port", "443", ""},
		{"public suffix", indicator.Hostname, "domain|ip", "co.uk", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := p.CheckPair(indicator.Indicator{Type: tt.typ, MISPType: tt.mispType, Value: tt.val})
			if ok != (tt.rule == "") || v.Rule != tt.rule {
				t.Errorf("CheckPair(%s) = %+v, %v; want rule %q", tt.val, v, ok, tt.rule)
			}
		})
	}
}
