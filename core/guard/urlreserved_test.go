package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// A URL on reserved space is refused under the reserved rule, as the
// address itself is, unless the site allows reserved space.
func TestURLOnReservedAddress(t *testing.T) {
	def := New(site(config.Guard{}), config.NeverBlock{CIDRs: []string{"10.9.9.9"}})
	allow := New(site(config.Guard{AllowReserved: true}), config.NeverBlock{})
	tests := []struct {
		name   string
		p      *Policy
		url    string
		rule   string // "" kept
		detail string
	}{
		{"loopback", def, "http://127.0.0.1/x", RuleReserved, "127.0.0.0/8 loopback"},
		{"ipv6 loopback", def, "http://[::1]/", RuleReserved, "::1/128 loopback"},
		{"private with a port and user info", def, "https://u@10.1.2.3:8443/a", RuleReserved, "10.0.0.0/8 private (RFC 1918)"},
		{"cloud metadata", def, "http://169.254.169.254/latest", RuleReserved, "169.254.0.0/16 link-local"},
		{"without a scheme", def, "192.168.1.1/admin", RuleReserved, "192.168.0.0/16 private (RFC 1918)"},
		{"ipv6 unique local", def, "http://[fd00::1]/", RuleReserved, "fc00::/7 unique local (private)"},
		{"mapped loopback, as canonicalised", def, mustURL(t, "http://[::ffff:127.0.0.1]/x"), RuleReserved, "127.0.0.0/8 loopback"},
		{"mapped loopback, as given", def, "http://[::ffff:127.0.0.1]/x", RuleReserved, "127.0.0.0/8 loopback"},
		{"NAT64 of a private address", def, "http://[64:ff9b::a00:1]/x", RuleReserved, "10.0.0.0/8 private (RFC 1918) (10.0.0.1/32 through NAT64 64:ff9b::/96)"},
		{"never_block before reserved", def, "http://10.9.9.9/x", RuleNeverBlock, "10.9.9.9/32"},
		{"public kept", def, "http://45.77.16.40/gate.php", "", ""},
		{"documentation kept", def, "http://192.0.2.1/", "", ""},
		{"NAT64 of a public address kept", def, "http://[64:ff9b::2d4d:1028]/x", "", ""},
		{"reserved allowed", allow, "http://127.0.0.1/x", "", ""},
		{"NAT64 reserved allowed", allow, "http://[64:ff9b::a00:1]/x", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := tt.p.Check(indicator.Indicator{Type: indicator.URL, MISPType: "url", Value: tt.url})
			if ok != (tt.rule == "") || v.Rule != tt.rule || v.Detail != tt.detail {
				t.Errorf("Check(%q) = %+v, %v; want %q %q", tt.url, v, ok, tt.rule, tt.detail)
			}
		})
	}
}

// Names that are addresses never reach the guard as names: a domain or
// hostname value (alone, or a half of domain|ip or hostname|port) that is
// an address is not a valid name.
func TestAddressIsNoName(t *testing.T) {
	for _, v := range []string{"127.0.0.1", "10.1.2.3:80", "::1", "[::1]:53", "169.254.169.254", "127.1", "0x7f.0.0.1"} {
		if n, err := indicator.CanonicalHost(v); err == nil {
			t.Errorf("CanonicalHost(%q) = %q, a name", v, n)
		}
	}
}

func mustURL(t *testing.T, u string) string {
	t.Helper()
	c, err := indicator.CanonicalURL(u)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
