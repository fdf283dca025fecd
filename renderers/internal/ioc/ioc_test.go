package ioc

import (
	"maps"
	"net/netip"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

func TestSpreadsheetSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+1", "'=1+1"},
		{"+x", "'+x"},
		{"-x", "'-x"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=1", "a=1"},
	}
	for _, tt := range tests {
		if got := SpreadsheetSafe(tt.in); got != tt.want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := FormulaLead(tt.in); got != (tt.in != tt.want) {
			t.Errorf("FormulaLead(%q) = %v", tt.in, got)
		}
	}
}

func TestNewest(t *testing.T) {
	type e struct {
		name string
		ts   int64
	}
	xs := []e{{"a", 1}, {"b", 3}, {"c", 2}, {"d", 3}}
	ts := func(x e) int64 { return x.ts }
	tests := []struct {
		name    string
		max     int
		want    []string
		dropped int
	}{
		{"no cap", 0, []string{"a", "b", "c", "d"}, 0},
		{"under the cap", 4, []string{"a", "b", "c", "d"}, 0},
		{"newest in order", 3, []string{"b", "c", "d"}, 1},
		{"ties keep the earlier", 1, []string{"b"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := Newest(slices.Clone(xs), tt.max, ts)
			var names []string
			for _, x := range got {
				names = append(names, x.name)
			}
			if !slices.Equal(names, tt.want) || n != tt.dropped {
				t.Errorf("got %v, %d dropped; want %v, %d", names, n, tt.want, tt.dropped)
			}
		})
	}
}

func TestIPList(t *testing.T) {
	ip := func(s string, ts int64) feedlist.IP { return feedlist.IP{P: netip.MustParsePrefix(s), TS: ts} }
	c := &feedlist.Collector{
		IPs:   []feedlist.IP{ip("2001:db8::/32", 5), ip("198.51.100.7/32", 1), ip("192.0.2.0/24", 3), ip("198.51.100.7/32", 2), ip("192.0.2.9/32", 9)},
		Names: []feedlist.Name{{Name: "bad.example"}},
	}
	r := IPReasons{NotIP: "not ip", IPv6: "v6", Duplicate: "dup", Covered: "covered", Cap: "cap"}
	tests := []struct {
		name  string
		ipv6  bool
		max   int
		want  []string
		drops feedlist.Drops
	}{
		{"all", true, 0, []string{"192.0.2.0/24", "192.0.2.9/32", "198.51.100.7/32", "2001:db8::/32"}, feedlist.Drops{"not ip": 1, "dup": 1}},
		{"ipv4 only", false, 0, []string{"192.0.2.0/24", "192.0.2.9/32", "198.51.100.7/32"}, feedlist.Drops{"not ip": 1, "dup": 1, "v6": 1}},
		{"capped", true, 2, []string{"192.0.2.0/24", "2001:db8::/32"}, feedlist.Drops{"not ip": 1, "dup": 1, "covered": 1, "cap": 1}},
		{"over the cap, nets first lose what they cover", true, 3, []string{"192.0.2.0/24", "198.51.100.7/32", "2001:db8::/32"},
			feedlist.Drops{"not ip": 1, "dup": 1, "covered": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := feedlist.Drops{}
			var got []string
			for _, p := range IPList(c, tt.ipv6, tt.max, d, r) {
				got = append(got, p.P.String())
			}
			if !slices.Equal(got, tt.want) || !maps.Equal(d, tt.drops) {
				t.Errorf("got %v %v, want %v %v", got, d, tt.want, tt.drops)
			}
		})
	}
}
