package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

const specialV6 = "warninglist 1 IPv6 special-purpose"

// A cidr entry naming IPv4-mapped space as a whole, or more of it than an
// IPv4 /8, is an IPv6 network, as MISP reads it: it keeps no IPv4 value
// out. A mapped entry within that (a mapped address, a mapped /24) is
// the IPv4 network it maps.
func TestWarninglistMappedBlock(t *testing.T) {
	tests := []struct {
		entry  string
		typ    indicator.Type
		val    string
		detail string // "" kept
	}{
		{"::ffff:0:0/96", indicator.IPv4, "45.77.16.40", ""},
		{"::ffff:0.0.0.0/96", indicator.IPv4Net, "45.77.16.0/24", ""},
		{"::ffff:0:0/96", indicator.IPv6, "64:ff9b::2d4d:1028", ""},
		{"::ffff:0:0/96", indicator.IPv6, "::ffff:2d4d:1028", specialV6},
		{"::ffff:0:0/97", indicator.IPv4, "45.77.16.40", ""},
		{"::ffff:0:0/103", indicator.IPv4, "1.2.3.4", ""},
		{"::/0", indicator.IPv4, "45.77.16.40", ""},
		{"::/8", indicator.IPv4Net, "45.77.16.0/24", ""},
		{"::/8", indicator.IPv6, "64:ff9b::2d4d:1028", specialV6},
		{"::ffff:44.0.0.0/104", indicator.IPv4, "44.1.2.3", specialV6},
		{"::ffff:44.0.0.0/104", indicator.IPv4, "45.77.16.40", ""},
		{"::ffff:45.77.16.0/120", indicator.IPv4, "45.77.16.40", specialV6},
		{"::ffff:2d4d:1028", indicator.IPv4, "45.77.16.40", specialV6},
		{"::ffff:2d4d:1028", indicator.IPv4Net, "45.77.0.0/16", specialV6 + " (covers 45.77.16.40)"},
	}
	for _, tt := range tests {
		t.Run(tt.entry+" "+tt.val, func(t *testing.T) {
			w := NewWarninglists([]*List{{ID: "1", Name: "IPv6 special-purpose", Type: "cidr", Types: []string{"ALL"}, Entries: []string{tt.entry}}})
			v, hit := w.Match(indicator.Indicator{Type: tt.typ, MISPType: "ip-dst", Value: tt.val})
			if hit != (tt.detail != "") || v.Detail != tt.detail {
				t.Errorf("Match(%s) = %+v, %v; want %q", tt.val, v, hit, tt.detail)
			}
		})
	}
}
