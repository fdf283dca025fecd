package guard

import (
	"fmt"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

const resolvers = "warninglist 1 List of known IPv4 public DNS resolvers"

func netLists() *Warninglists {
	return NewWarninglists([]*List{
		{ID: "1", Name: "List of known IPv4 public DNS resolvers", Type: "cidr", Types: []string{"ip-src", "ip-dst", "domain|ip"},
			Entries: []string{"8.8.4.4", "9.9.9.0/24", "2001:4860:4860::8888", "45.0.0.200", "::ffff:203.0.113.9"}},
		{ID: "2", Name: "Pairs only", Type: "cidr", Types: []string{"domain|ip"}, Entries: []string{"45.0.0.1"}},
	})
}

// A net over a network a warninglist names blocks it on a firewall: the
// guard keeps it out under that list, while a net beside it passes.
func TestWarninglistNetCovers(t *testing.T) {
	p := New(site(config.Guard{}), config.NeverBlock{}).WithWarninglists(netLists())
	tests := []struct {
		name     string
		typ      indicator.Type
		mispType string
		val      string
		detail   string // "" kept
	}{
		{"net over a listed address", indicator.IPv4Net, "ip-dst", "8.8.0.0/16", resolvers + " (covers 8.8.4.4)"},
		{"/24 over a listed address", indicator.IPv4Net, "ip-src", "8.8.4.0/24", resolvers + " (covers 8.8.4.4)"},
		{"net beside a listed address", indicator.IPv4Net, "ip-dst", "8.8.5.0/24", ""},
		{"net over a listed net", indicator.IPv4Net, "ip-dst", "9.9.8.0/23", resolvers + " (covers 9.9.9.0/24)"},
		{"net beside a listed net", indicator.IPv4Net, "ip-dst", "9.9.8.0/24", ""},
		{"net after a listed net", indicator.IPv4Net, "ip-dst", "9.9.10.0/24", ""},
		{"net inside a listed net", indicator.IPv4Net, "ip-dst", "9.9.9.128/25", resolvers},
		{"address inside a listed net", indicator.IPv4, "ip-dst", "9.9.9.9", resolvers},
		{"net over a listed mapped address", indicator.IPv4Net, "ip-dst", "203.0.113.0/24", resolvers + " (covers 203.0.113.9)"},
		{"ipv6 /32 over a listed address", indicator.IPv6Net, "ip-dst", "2001:4860::/32", resolvers + " (covers 2001:4860:4860::8888)"},
		{"ipv6 /32 beside it", indicator.IPv6Net, "ip-dst", "2001:4861::/32", ""},
		{"first listed entry of a list that does not apply", indicator.IPv4Net, "ip-dst", "45.0.0.0/24", resolvers + " (covers 45.0.0.200)"},
		{"type no list applies to", indicator.IPv4Net, "url", "8.8.0.0/16", ""},
		{"listed address through NAT64", indicator.IPv6, "ip-dst", "64:ff9b::808:404", resolvers + " (8.8.4.4 through NAT64 64:ff9b::/96)"},
		{"net over a listed address through NAT64", indicator.IPv6Net, "ip-dst", "64:ff9b::808:0/112", resolvers + " (covers 8.8.4.4) (8.8.0.0/16 through NAT64 64:ff9b::/96)"},
		{"unlisted address through NAT64", indicator.IPv6, "ip-dst", "64:ff9b::808:405", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := p.Check(indicator.Indicator{Type: tt.typ, MISPType: tt.mispType, Value: tt.val})
			if want := tt.detail == ""; ok != want || !ok && (v.Rule != RuleWarninglist || v.Detail != tt.detail) {
				t.Errorf("Check(%s) = %+v, %v; want %q", tt.val, v, ok, tt.detail)
			}
		})
	}
}

// A composite attribute's other half keeps the half a list takes out
// only when MISP drops the attribute: a net half within a listed range,
// not one over it.
func TestWarninglistNetPairAsMISP(t *testing.T) {
	p := New(site(config.Guard{}), config.NeverBlock{}).WithWarninglists(netLists())
	tests := []struct {
		typ indicator.Type
		val string
		ok  bool
	}{
		{indicator.IPv4Net, "8.8.0.0/16", true},
		{indicator.IPv4, "8.8.4.4", false},
		{indicator.IPv4Net, "9.9.9.0/25", false},
	}
	for _, tt := range tests {
		if v, ok := p.CheckPair(indicator.Indicator{Type: tt.typ, MISPType: "domain|ip", Value: tt.val}); ok != tt.ok {
			t.Errorf("CheckPair(%s) = %+v, %v; want %v", tt.val, v, ok, tt.ok)
		}
	}
}

// BenchmarkWarninglistNets matches addresses and nets against cidr lists
// of 20,000 networks.
func BenchmarkWarninglistNets(b *testing.B) {
	var entries []string
	for i := range 20000 {
		entries = append(entries, fmt.Sprintf("%d.%d.%d.0/24", 20+i%200, i/200, i%256))
	}
	w := NewWarninglists([]*List{{ID: "1", Name: "ranges", Type: "cidr", Types: []string{"ip-dst"}, Entries: entries}})
	ins := []indicator.Indicator{
		{Type: indicator.IPv4, MISPType: "ip-dst", Value: "45.77.16.40"},
		{Type: indicator.IPv4Net, MISPType: "ip-dst", Value: "230.0.0.0/16"},
		{Type: indicator.IPv4Net, MISPType: "ip-dst", Value: "21.0.0.0/8"},
		{Type: indicator.IPv6Net, MISPType: "ip-dst", Value: "2001:db8::/32"},
	}
	for b.Loop() {
		for _, in := range ins {
			w.Match(in)
		}
	}
}
