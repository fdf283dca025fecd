package taxii

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// reloaded returns c as a restart reads it from its saved history with
// every old replaced by new: a history as an earlier version may have
// written it (a value, here with a control character, or an era's
// options, that the encoder now refuses).
func reloaded(t *testing.T, c *Collection, old, new string) *Collection {
	t.Helper()
	data, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte(old), []byte(new))
	loaded, err := UnmarshalState(data, testID)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}

// TestVersionNotEncodedLeavesValidJSON: a version that cannot be encoded
// (a value the stix21 encoder refuses, here a control character, in a
// history the loader accepts) is left out of the page, which stays a
// valid envelope. Its separator was written all the same, and the page
// held ",": a client could read no object of that page.
func TestVersionNotEncodedLeavesValidJSON(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, b := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Domain, "evil.example", 1700000100)
	c := NewCollection(testID)
	apply(t, c, t0, map[string]string{stix21.OptTLP: "clear"}, a, b)
	apply(t, c, t0.Add(time.Minute), map[string]string{stix21.OptTLP: "red"}, a, b) // a version of each
	loaded := reloaded(t, c, `"evil.example"`, `"evil\x01.example"`)
	for _, query := range []string{"match[version]=all", "match[version]=first", ""} {
		t.Run(query, func(t *testing.T) {
			p := mustObjects(t, loaded, query, "")
			e, objs := decode(t, p)
			if e.More {
				t.Fatal("more")
			}
			for _, o := range objs {
				if o.Type == "indicator" && o.Pattern != "[ipv4-addr:value = '192.0.2.1']" {
					t.Fatalf("object %+v", o)
				}
			}
		})
	}
}

// TestPageOfVersionsNotEncoded: a page whose versions the encoder all
// refuses is filled from the versions that follow, and more is false
// when none follows. Such a page was sent as "objects":[] with more
// true, and a client read an empty page; X-TAXII-Date-Added-First and
// -Last and next name the versions served.
func TestPageOfVersionsNotEncoded(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	good := ips(1, 2)
	bad := []indicator.Indicator{ind(indicator.Domain, "bad1.example", 1700000000), ind(indicator.Domain, "bad2.example", 1700000000)}
	loadWith := func(t *testing.T, after ...indicator.Indicator) *Collection {
		c := NewCollection(testID)
		apply(t, c, t0, nil, good...)
		apply(t, c, t0.Add(time.Minute), nil, append(slices.Clone(good), bad...)...)
		if len(after) > 0 {
			apply(t, c, t0.Add(2*time.Minute), nil, append(append(slices.Clone(good), bad...), after...)...)
		}
		return reloaded(t, c, `.example"`, "\x01.example\"")
	}
	last := ips(2, 3)
	tests := []struct {
		name, query string
		after       []indicator.Indicator
		want        []string // patterns served, in order
		wantFirst   string
	}{
		{"filled from what follows", "limit=2&added_after=2026-05-01T10:00:00.000Z", last,
			[]string{"[ipv4-addr:value = '198.51.100.2']"}, "2026-05-01T10:02:00.000Z"},
		{"nothing follows", "limit=2&added_after=2026-05-01T10:00:00.000Z", nil, nil, ""},
		{"walked with next", "limit=1", last,
			[]string{"", "[ipv4-addr:value = '198.51.100.1']", "[ipv4-addr:value = '198.51.100.2']"}, "2026-05-01T10:00:00.000Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadWith(t, tt.after...)
			var got []string
			query := tt.query
			for page := 0; ; page++ {
				p := mustObjects(t, c, query, "")
				e, objs := decode(t, p)
				if page == 0 && p.First != tt.wantFirst {
					t.Fatalf("X-TAXII-Date-Added-First %q, want %q", p.First, tt.wantFirst)
				}
				if e.More && len(objs) == 0 {
					t.Fatalf("page %d: more with no object: %s", page, p.Body)
				}
				for _, o := range objs {
					got = append(got, o.Pattern) // "" for the identity
				}
				if !e.More {
					break
				}
				if page > 10 {
					t.Fatal("no end")
				}
				query = tt.query + "&next=" + e.Next
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("served %q, want %q", got, tt.want)
			}
		})
	}
}
