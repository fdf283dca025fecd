package rendertest

import (
	"net/netip"
	"testing"
)

func TestListEntry(t *testing.T) {
	tests := []struct {
		v       string
		minBits int
		want    string // "" for an error
	}{
		{"192.0.2.1", 1, "192.0.2.1/32"},
		{"2001:db8::1", 1, "2001:db8::1/128"},
		{"198.51.100.0/24", 1, "198.51.100.0/24"},
		{"0.0.0.0/0", 0, "0.0.0.0/0"},
		{"0.0.0.0/0", 1, ""},
		{"198.51.100.1/24", 0, ""},
		{"192.0.2.1/32", 0, ""},
		{"fe80::1%eth0", 0, ""},
		{"::ffff:192.0.2.1", 0, ""},
		{"bad", 0, ""},
	}
	for _, tc := range tests {
		p, err := ListEntry(tc.v, tc.minBits)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ListEntry(%q, %d) = %v, want an error", tc.v, tc.minBits, p)
		case tc.want != "" && (err != nil || p != netip.MustParsePrefix(tc.want)):
			t.Errorf("ListEntry(%q, %d) = %v, %v, want %s", tc.v, tc.minBits, p, err, tc.want)
		}
	}
}
