package ioc

import (
	"slices"
	"testing"
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
