package taxii

import (
	"net/url"
	"reflect"
	"testing"
	"time"
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

// TestEmptyParameterIsAbsent: some clients send added_after, next or
// limit with no value on their first poll. Each was a 400; it is taken
// as absent, and a value given once more wins over an empty one.
func TestEmptyParameterIsAbsent(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	c := NewCollection(testID)
	apply(t, c, t0, nil, ips(0, 3)...)
	apply(t, c, t0.Add(time.Minute), nil, ips(0, 5)...)
	all := mustObjects(t, c, "", "")
	for _, raw := range []string{"added_after=", "next=", "limit=", "added_after=&next=&limit=", "next=&next="} {
		if p := mustObjects(t, c, raw, ""); string(p.Body) != string(all.Body) {
			t.Errorf("%s: %s\nwant %s", raw, p.Body, all.Body)
		}
	}
	_, newer := decode(t, mustObjects(t, c, "added_after=2026-05-01T10:00:00.000Z&added_after=", ""))
	if len(newer) != 2 {
		t.Fatalf("added_after then an empty one: %d objects, want the 2 added after it", len(newer))
	}
}
