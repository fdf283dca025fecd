package taxii

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// timesOf returns created, modified and valid_from of every version of
// id, oldest first.
func timesOf(t *testing.T, c *Collection, id string) [][3]string {
	t.Helper()
	e, _ := decode(t, mustObjects(t, c, "match[version]=all", id))
	var out [][3]string
	for _, raw := range e.Objects {
		var o struct {
			Created, Modified string
			ValidFrom         string `json:"valid_from"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, [3]string{o.Created, o.Modified, o.ValidFrom})
	}
	return out
}

// An attribute time ahead of Cratos's clock (MISP on a skewed clock, a
// date typed in the future) dates a new object when Cratos adds it:
// served as it was, its valid_from was in the future, so a TIP or SIEM
// that honours valid_from left the indicator unenforced until then, and
// its later versions (revoked, re-marked) took modified times past it
// too. Every version is dated at or before its date_added.
func TestAttributeAheadOfTheClock(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	ahead := ind(indicator.IPv4, "198.51.100.7", t0.Add(48*time.Hour).Unix())
	at := func(m int) string { return stamp(t0.Add(time.Duration(m) * time.Minute).UnixMilli()) }
	tests := []struct {
		name  string
		later func(c *Collection) // what happens at t0+1m
		want  [][3]string
	}{
		{"served", func(*Collection) {}, [][3]string{{at(0), at(0), at(0)}}},
		{"revoked", func(c *Collection) { apply(t, c, t0.Add(time.Minute), nil) },
			[][3]string{{at(0), at(0), at(0)}, {at(0), at(1), at(0)}}},
		{"re-marked", func(c *Collection) {
			apply(t, c, t0.Add(time.Minute), map[string]string{stix21.OptTLP: "red"}, ahead)
		}, [][3]string{{at(0), at(0), at(0)}, {at(0), at(1), at(0)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCollection(testID)
			apply(t, c, t0, nil, ahead)
			tc.later(c)
			if got := timesOf(t, c, sid(ahead)); !slices.Equal(got, tc.want) {
				t.Fatalf("versions (created, modified, valid_from) %v, want %v", got, tc.want)
			}
		})
	}
}

// A history saved before attribute times were bounded by date_added
// keeps the versions its clients hold: the first version still has
// the attribute's time, and a version after it is later still.
func TestAttributeAheadOfTheClockInASavedHistory(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	future := t0.Add(48 * time.Hour)
	a := ind(indicator.IPv4, "198.51.100.7", future.Unix())
	c := NewCollection(testID)
	apply(t, c, t0, nil, a)
	c.objs[c.byID[sid(a)]].created = future.Unix() // as an earlier version saved it
	c, _ = saved(t, c)
	apply(t, c, t0.Add(time.Minute), nil)
	f := stamp(future.UnixMilli())
	want := [][3]string{{f, f, f}, {f, stamp(future.UnixMilli() + 1), f}}
	if got := timesOf(t, c, sid(a)); !slices.Equal(got, want) {
		t.Fatalf("versions (created, modified, valid_from) %v, want %v", got, want)
	}
}
