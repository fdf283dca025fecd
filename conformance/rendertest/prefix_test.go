package rendertest

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
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

func TestPrefixes(t *testing.T) {
	tests := []struct {
		lines  []string
		masked bool
		want   []string
		err    string
	}{
		{[]string{"192.0.2.1", "198.51.100.0/24", "2001:db8::/32"}, true, []string{"192.0.2.1/32", "198.51.100.0/24", "2001:db8::/32"}, ""},
		{[]string{"198.51.100.1/24"}, false, []string{"198.51.100.1/24"}, ""},
		{[]string{"198.51.100.1/24"}, true, nil, `line "198.51.100.1/24" has host bits set`},
		{[]string{"192.0.2.1", "bad.example"}, false, nil, `line "bad.example" is neither a prefix nor an address`},
	}
	for _, tc := range tests {
		ps, err := Prefixes(tc.lines, tc.masked)
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if errorText(err) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("Prefixes(%q, %v) = %v, %v; want %v, %q", tc.lines, tc.masked, got, err, tc.want, tc.err)
		}
	}
}

func TestCovers(t *testing.T) {
	ps := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("2001:db8::1/128")}
	tests := []struct {
		name    string
		ps      []netip.Prefix
		ins     []indicator.Indicator
		minBits int
		err     string
	}{
		{"covered", ps, append(IPs("192.0.2.7", "192.0.2.0/25", "2001:db8::1"), Of(indicator.Domain, "bad.example")), 0, ""},
		{"overlap", append(ps, netip.MustParsePrefix("192.0.2.128/25")), nil, 0, "lines 192.0.2.0/24 and 192.0.2.128/25 overlap"},
		{"wider input", ps, IPs("192.0.0.0/16"), 0, "input 192.0.0.0/16 is covered by no line"},
		{"outside", ps, IPs("198.51.100.1"), 0, "input 198.51.100.1 is covered by no line"},
		{"whole space", ps, IPs("0.0.0.0/0"), 0, "input 0.0.0.0/0 is covered by no line"},
		{"whole space below minBits", ps, IPs("0.0.0.0/0"), 1, ""},
	}
	for _, tc := range tests {
		if got := errorText(Covers(tc.ps, tc.ins, tc.minBits)); got != tc.err {
			t.Errorf("%s: Covers = %q, want %q", tc.name, got, tc.err)
		}
	}
}
