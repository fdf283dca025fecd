package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAllowedIPsAsTheOriginalReadsThem: an allow-list entry the original
// reads (Python's ipaddress.ip_network with strict=False) loads to the
// same network: an IPv4 netmask or hostmask after the slash, a length with
// leading zeros. What it refuses stays refused.
func TestAllowedIPsAsTheOriginalReadsThem(t *testing.T) {
	tests := []struct {
		entry, want string // want "" for a refused entry
	}{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"10.1.2.3/24", "10.1.2.0/24"},
		{"10.0.0.0/255.0.0.0", "10.0.0.0/8"},
		{"192.168.1.7/255.255.255.0", "192.168.1.0/24"},
		{"172.16.0.0/0.15.255.255", "172.16.0.0/12"},
		{"192.0.2.1/255.255.255.255", "192.0.2.1/32"},
		{"192.0.2.1/0.0.0.0", "0.0.0.0/0"},
		{"10.0.0.0/08", "10.0.0.0/8"},
		{"2001:db8::/032", "2001:db8::/32"},
		{"10.0.0.0/255.0.255.0", ""}, // neither netmask nor hostmask
		{"2001:db8::/ffff::", ""},    // IPv6 takes a length only
		{"10.0.0.0/33", ""},          // too long
		{"10.0.0.0/0033", ""},        // too long, with zeros
		{"010.0.0.0/8", ""},          // Python refuses octets with leading zeros too
		{"10.0.0.0/255.0.0.00", ""},  // and so in a mask
		{"10.0.0.0/-8", ""},          // not a length
		{"10.0.0.0/", ""},            // no length
		{"10.0.0.0/+8", ""},          // not a length
		{"10.0.0.0/8.0", ""},         // not a mask
		{"10.0.0.0/255.0.0.0/8", ""}, // two slashes
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		path := filepath.Join(dir, "misp.example.net.yaml")
		body := "tag: t\nallowed_ips: [\"" + tc.entry + "\"]\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := LoadSite(path, nil)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%q: loaded as %v, want refused", tc.entry, s.AllowedIPs)
		case tc.want == "":
		case err != nil:
			t.Errorf("%q: %v, want %s", tc.entry, err, tc.want)
		case len(s.AllowedIPs) != 1 || s.AllowedIPs[0].String() != tc.want:
			t.Errorf("%q: loaded as %v, want %s", tc.entry, s.AllowedIPs, tc.want)
		}
	}
}
