package feedsnap

import (
	"strings"
	"testing"
)

// lowerLookup is typeMatcher's rule written plainly: lower-case both
// sides, and email-src or email-dst wanted wants email.
func lowerLookup(types []string, t string) bool {
	t = strings.ToLower(t)
	for _, w := range types {
		w = strings.ToLower(w)
		if t == w || (t == "email" && (w == "email-src" || w == "email-dst")) {
			return true
		}
	}
	return false
}

func TestTypeMatcher(t *testing.T) {
	many := []string{"ip-src", "ip-dst", "domain", "url", "md5", "sha1", "sha256", "hostname", "mutex", "yara"}
	tests := []struct {
		name  string
		types []string
		in    []string
		want  []bool
	}{
		{"exact", []string{"ip-src", "ip-dst"}, []string{"ip-src", "ip-dst", "ip-dst|port", "domain"}, []bool{true, true, false, false}},
		{"case", []string{"IP-Src", "domain"}, []string{"ip-src", "IP-SRC", "Domain", "domaiN", "domains"}, []bool{true, true, true, true, false}},
		{"email", []string{"email-dst"}, []string{"email", "EMAIL", "email-src", "email-dst"}, []bool{true, true, false, true}},
		{"empty", nil, []string{"", "ip-src"}, []bool{false, false}},
		{"empty type", []string{"ip-src"}, []string{""}, []bool{false}},
		{"not ascii", []string{"ip-src", "ſha1", "k"}, []string{"ſha1", "sha1", "\u212a", "K", "ip-ſrc", "İp-src"}, []bool{true, false, true, true, false, true}},
		{"many", many, []string{"YARA", "ip-dst", "email", "Mutex", "sha512"}, []bool{true, true, false, true, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			match := typeMatcher(tc.types)
			for i, in := range tc.in {
				if got := match(in); got != tc.want[i] || got != lowerLookup(tc.types, in) {
					t.Errorf("typeMatcher(%q)(%q) = %v, want %v", tc.types, in, got, tc.want[i])
				}
			}
		})
	}
}
