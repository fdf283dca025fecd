package feedlist

import (
	"slices"
	"testing"
)

func TestURIValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://bad.example", "http://bad.example/"},
		{"https://u:p@Bad.Example:8443/a b?q=100%", "https://Bad.Example:8443/a%20b?q=100%25"},
		{"bad.example/x?y", "bad.example/x?y"},
		{"ftp://a@b@ftp.example", "ftp://ftp.example/"},
	}
	for _, tt := range tests {
		if got := URIValue(tt.in); got != tt.want {
			t.Errorf("URIValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewestFirst(t *testing.T) {
	tests := []struct {
		name string
		ts   []int64
		want []int
	}{
		{"empty", nil, []int{}},
		{"newest first", []int64{1, 3, 2}, []int{1, 2, 0}},
		{"ties in index order", []int64{2, 5, 2, 5}, []int{1, 3, 0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewestFirst(len(tt.ts), func(i int) int64 { return tt.ts[i] }); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAddURLs(t *testing.T) {
	urls := []Value{{Value: "a", TS: 1}, {Value: "bad", TS: 2}, {Value: "c", TS: 3}}
	d := Drops{}
	got := AddURLs([]Entry{{Key: "x"}}, urls, d, func(v string) (string, string) {
		if v == "bad" {
			return "", "refused"
		}
		return v + "/", ""
	})
	want := []Entry{{Key: "x"}, {Key: "a/", TS: 1}, {Key: "c/", TS: 3}}
	if !slices.Equal(got, want) || d["refused"] != 1 || len(d) != 1 {
		t.Errorf("got %v %v, want %v and one refused", got, d, want)
	}
}
