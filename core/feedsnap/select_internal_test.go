package feedsnap

import (
	"slices"
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

// Portions cover every event once, in order, and an event ends a
// portion (but the last) exactly when it brings the attributes so far
// past a multiple of 1/n of them.
func TestPortionsBalance(t *testing.T) {
	for _, sizes := range [][]int{{0, 1, 500, 3, 3, 40, 0, 7, 900, 2, 2, 2, 60, 1, 1}, {5, 1, 900}, {0, 0}} {
		checkPortions(t, sizes)
	}
	if p := (&Snapshot{events: map[int64]Event{}}).Portions(4); len(p) != 1 || len(p[0].ids) != 0 {
		t.Errorf("an empty snapshot gives %d portions", len(p))
	}
}

func checkPortions(t *testing.T, sizes []int) {
	t.Helper()
	s := &Snapshot{events: map[int64]Event{}}
	for i, n := range sizes {
		s.events[int64(10+i)] = Event{recs: make([]rec, n), st: &store{}}
		s.Attributes += n
	}
	total := max(s.Attributes, 1)
	for _, n := range []int{1, 2, 3, 4, 8, 14, 50} {
		portions := s.Portions(n)
		if len(portions) < 1 || len(portions) > n {
			t.Fatalf("%v: Portions(%d): %d portions", sizes, n, len(portions))
		}
		var ids []int64
		held := 0
		for k, p := range portions {
			if len(p.ids) == 0 {
				t.Fatalf("%v: Portions(%d): portion %d is empty", sizes, n, k)
			}
			for j, id := range p.ids {
				before := held
				held += s.events[id].Len()
				crossed := min(held*n/total, n-1) > min(before*n/total, n-1)
				last := k == len(portions)-1 && j == len(p.ids)-1
				if ends := j == len(p.ids)-1 && k < len(portions)-1; ends != crossed && !last {
					t.Errorf("%v: Portions(%d): event %d (%d to %d attributes) ends portion %d: %v", sizes, n, id, before, held, k, ends)
				}
			}
			ids = append(ids, p.ids...)
		}
		if want := s.Events(); !slices.Equal(ids, want) {
			t.Errorf("%v: Portions(%d) cover %v, want %v", sizes, n, ids, want)
		}
	}
}
