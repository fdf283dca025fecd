package indicator

import "testing"

// TestURLMappedHost: a URL on an IPv4-mapped IPv6 address is on the IPv4
// address, which its packets go to, as an ip-dst value is: devices match
// it there (a Suricata rule on ::ffff:192.0.2.1 never sees IPv4 traffic,
// a Palo Alto list takes no IPv6 host).
func TestURLMappedHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://[::ffff:192.0.2.1]/gate.php", "http://192.0.2.1/gate.php"},
		{"https://[::FFFF:c000:201]:8443/x", "https://192.0.2.1:8443/x"},
		{"http://[::ffff:192.0.2.1]:80", "http://192.0.2.1"},
		{"[::ffff:192.0.2.1]:8080/x", "192.0.2.1:8080/x"},
		// Other IPv6 hosts stay IPv6.
		{"http://[::192.0.2.1]/", "http://[::c000:201]/"},
		{"http://[64:ff9b::192.0.2.1]/", "http://[64:ff9b::c000:201]/"},
		{"http://[2001:DB8::1]/", "http://[2001:db8::1]/"},
	}
	for _, tt := range tests {
		got, err := CanonicalURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
