package devicecheck

import "testing"

func TestJunos(t *testing.T) {
	tests := []struct {
		name string
		line string
		rule string
	}{
		{"address", "198.51.100.7", ""},
		{"prefix", "198.51.100.0/24", ""},
		{"host prefix", "198.51.100.7/32", ""},
		{"range", "198.51.100.1-198.51.100.9", ""},
		{"ipv6", "2001:db8::7", ""},
		{"ipv6 prefix", "2001:db8::/32", ""},
		{"host bits", "198.51.100.7/24", "host bits"},
		{"range reversed", "198.51.100.9-198.51.100.1", "start after its end"},
		{"range mixed", "198.51.100.1-2001:db8::1", "mixes IPv4 and IPv6"},
		{"name", "bad.example", "not an IP address"},
		{"comment", "# blocked", "not an IP address"},
		{"trailing comment", "198.51.100.7 c2", "not an IP address"},
		{"zone", "fe80::1%ge-0/0/0", "zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ws []want
			if tt.rule != "" {
				ws = []want{{1, tt.rule}}
			}
			match(t, CheckJunos([]byte(tt.line+"\n"), JunosLimits{}), ws)
		})
	}
	t.Run("cap", func(t *testing.T) {
		match(t, CheckJunos([]byte("198.51.100.7\n198.51.100.8\n"), JunosLimits{MaxEntries: 1}), []want{{0, "2 entries, over the cap of 1"}})
	})
	t.Run("duplicate", func(t *testing.T) {
		match(t, CheckJunos([]byte("198.51.100.7\n198.51.100.7\n"), JunosLimits{}), []want{{2, "duplicate of line 1"}})
	})
}
