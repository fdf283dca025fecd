package acl

import (
	"net/netip"
	"testing"
)

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestClientIP(t *testing.T) {
	r := NewResolver(pfx("10.0.0.0/8", "2001:db8:ffff::/48"), "")
	tests := []struct {
		name      string
		peer      string
		forwarded []string
		want      string
	}{
		{"untrusted peer ignores header", "198.51.100.7", []string{"10.1.1.1"}, "198.51.100.7"},
		{"untrusted peer cannot pick own address", "198.51.100.7", []string{"192.0.2.1, 10.0.0.1"}, "198.51.100.7"},
		{"trusted peer, one hop", "10.0.0.2", []string{"203.0.113.9"}, "203.0.113.9"},
		{"right-most untrusted hop wins", "10.0.0.2", []string{"192.0.2.66, 203.0.113.9, 10.0.0.3"}, "203.0.113.9"},
		{"spoofed left-most entry ignored", "10.0.0.2", []string{"10.9.9.9, 203.0.113.9"}, "203.0.113.9"},
		{"several header lines", "10.0.0.2", []string{"192.0.2.1", "203.0.113.9, 10.0.0.5"}, "203.0.113.9"},
		{"all hops trusted gives left-most", "10.0.0.2", []string{"10.0.0.8, 10.0.0.9"}, "10.0.0.8"},
		{"no header keeps peer", "10.0.0.2", nil, "10.0.0.2"},
		{"garbage hop stops", "10.0.0.2", []string{"203.0.113.9, junk"}, "10.0.0.2"},
		{"hop with port", "10.0.0.2", []string{"203.0.113.9:4711"}, "203.0.113.9"},
		{"ipv6 hop bracketed with port", "10.0.0.2", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"mapped peer treated as ipv4", "::ffff:10.0.0.2", []string{"203.0.113.9"}, "203.0.113.9"},
		{"ipv6 trusted peer", "2001:db8:ffff::1", []string{"2001:db8::77"}, "2001:db8::77"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := r.ClientIP(netip.MustParseAddr(tc.peer), tc.forwarded)
			if got.String() != tc.want {
				t.Errorf("ClientIP = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	global, site := pfx("127.0.0.1/32"), pfx("192.0.2.0/24", "2001:db8::/32")
	tests := []struct {
		ip   string
		want bool
	}{
		{"127.0.0.1", true},
		{"192.0.2.200", true},
		{"::ffff:192.0.2.200", true},
		{"2001:db8::5", true},
		{"198.51.100.1", false},
		{"2001:db9::1", false},
	}
	for _, tc := range tests {
		if got := Allowed(netip.MustParseAddr(tc.ip), global, site); got != tc.want {
			t.Errorf("Allowed(%s) = %v, want %v", tc.ip, got, tc.want)
		}
	}
	if Allowed(netip.Addr{}, global, site) {
		t.Error("the zero address was allowed")
	}
}
