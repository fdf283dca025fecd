package nameset

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

func TestCheck(t *testing.T) {
	l63 := strings.Repeat("a", 63)
	long := l63 + "." + l63 + "." + l63 + "." + strings.Repeat("b", 61) // 253
	tests := []struct{ in, want string }{
		{"bad.example", ""},
		{"_dmarc.x-y.example", ""},
		{"xn--bcher-kva.example", ""},
		{"1.2.3.example", ""},
		{l63 + ".example", ""},
		{long, ""},
		{long + "b", ReasonLength},
		{l63 + "a.example", ReasonLabel},
		{"example", ReasonSingle},
		{"", ReasonSyntax},
		{".example", ReasonSyntax},
		{"bad.example.", ReasonSyntax},
		{"bad..example", ReasonSyntax},
		{"-bad.example", ReasonSyntax},
		{"bad-.example", ReasonSyntax},
		{"Bad.example", ReasonSyntax},
		{"bad.example\nlocal-zone", ReasonSyntax},
		{`bad".example`, ReasonSyntax},
		{"bad/example.net", ReasonSyntax},
		{"bad#.example", ReasonSyntax},
		{"bad example.net", ReasonSyntax},
		{"*.bad.example", ReasonSyntax},
		{"bäd.example", ReasonSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Check(tt.in); got != tt.want {
				t.Errorf("Check(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSet(t *testing.T) {
	var s Set
	d := feedlist.Drops{}
	for _, n := range []string{"www.bad.example", "bad.example", "x.y.bad.example", "notbad.example", "bad.example", "Bad.example", "other.example", "a.other.example.net",
		"co.uk", "com.br", "bad.co.uk", "duckdns.org"} {
		s.Add(n, d, "t")
	}
	got := s.Names(d, "t")
	want := []string{"bad.example", "notbad.example", "other.example", "a.other.example.net", "bad.co.uk", "duckdns.org"}
	if !slices.Equal(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
	wantDrops := feedlist.Drops{"t " + ReasonCovered: 2, "t " + ReasonDuplicate: 1, "t " + ReasonSyntax: 1, "t " + ReasonSuffix: 2}
	if !maps.Equal(d, wantDrops) {
		t.Errorf("drops %v, want %v", d, wantDrops)
	}
}
