package devicecheck

import "testing"

func TestJunos(t *testing.T) {
	matchLines(t, []lineCase{
		{"address", "198.51.100.7", "address without a prefix length"},
		{"prefix", "198.51.100.0/24", ""},
		{"host prefix", "198.51.100.7/32", ""},
		{"range", "198.51.100.1-198.51.100.9", "range, not a CIDR prefix"},
		{"ipv6", "2001:db8::7", "address without a prefix length"},
		{"ipv6 host prefix", "2001:db8::7/128", ""},
		{"ipv6 prefix", "2001:db8::/32", ""},
		{"host bits", "198.51.100.7/24", "host bits"},
		{"range reversed", "198.51.100.9-198.51.100.1", "start after its end"},
		{"range mixed", "198.51.100.1-2001:db8::1", "mixes IPv4 and IPv6"},
		{"name", "bad.example", "not an IP address"},
		{"comment", "# blocked", "not an IP address"},
		{"trailing comment", "198.51.100.7/32 c2", "not a CIDR prefix"},
		{"zone", "fe80::1%ge-0/0/0", "zone"},
	}, func(data []byte) []Violation { return CheckJunos(data, JunosLimits{}) })
	t.Run("cap", func(t *testing.T) {
		match(t, CheckJunos([]byte("198.51.100.7/32\n198.51.100.8/32\n"), JunosLimits{MaxEntries: 1}), []want{{0, "2 entries, over the cap of 1"}})
	})
	t.Run("duplicate", func(t *testing.T) {
		match(t, CheckJunos([]byte("198.51.100.7/32\n198.51.100.7/32\n"), JunosLimits{}), []want{{2, "duplicate of line 1"}})
	})
}
