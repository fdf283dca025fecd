package taxii

import (
	"net/url"
	"reflect"
	"testing"
)

// TestQueryValues: parameters are split at '&' only. A ';' is part of a
// name or value (url.ParseQuery refused the whole query); a malformed
// escape is a 400.
func TestQueryValues(t *testing.T) {
	tests := []struct {
		raw  string
		want url.Values
	}{
		{"", url.Values{}},
		{"limit=5&next=", url.Values{"limit": {"5"}, "next": {""}}},
		{"match[type]=indicator;x&limit=5", url.Values{"match[type]": {"indicator;x"}, "limit": {"5"}}},
		{"a;b=c;d&&limit", url.Values{"a;b": {"c;d"}, "limit": {""}}},
		{"match%5Btype%5D=a%3Bb+c", url.Values{"match[type]": {"a;b c"}}},
		{"x=1&x=2", url.Values{"x": {"1", "2"}}},
	}
	for _, tt := range tests {
		got, err := QueryValues(tt.raw)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("QueryValues(%q) = %v, %v; want %v", tt.raw, got, err, tt.want)
		}
	}
	for _, raw := range []string{"limit=%zz", "%=1", "next=%"} {
		if _, err := QueryValues(raw); err == nil || err.Status != 400 {
			t.Errorf("QueryValues(%q): %v, want a 400", raw, err)
		}
	}
}
