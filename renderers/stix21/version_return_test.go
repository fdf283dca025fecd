package stix21

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// stixObjects returns the indicator objects of a bundle, by id.
func stixObjects(t *testing.T, bundle []byte) map[string]json.RawMessage {
	t.Helper()
	var b struct{ Objects []json.RawMessage }
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatalf("bundle: %v\n%s", err, bundle)
	}
	out := map[string]json.RawMessage{}
	for _, o := range b.Objects {
		var head struct{ Type, ID string }
		if err := json.Unmarshal(o, &head); err != nil {
			t.Fatalf("object: %v\n%s", err, o)
		}
		if head.Type == "indicator" {
			out[head.ID] = o
		}
	}
	return out
}

// An indicator that leaves a list and comes back is written with a
// modified time later than any version served before it left: the list's
// date, which moves on every change of the list's values. Its version
// bumped while it was served (its newest attribute deleted) is not in
// the bundle last served, and its attribute time alone would go back
// from it, so a TIP that keeps the latest version of an id ignored the
// returning one. A value new to the list gets that date too (it is never
// earlier than its created time). Two objects of one id and one modified
// time are the same, and an unchanged list keeps its bytes.
func TestReturningIndicatorIsLater(t *testing.T) {
	const (
		t1 = 1767348000 // 2026-01-02T10:00:00Z
		t2 = t1 + 3600
	)
	stamp := func(ts int64) string { return time.Unix(ts, 0).UTC().Format("2006-01-02T15:04:05.000Z") }
	date := func(hours int) time.Time { return time.Unix(t2, 0).UTC().Add(time.Duration(hours) * time.Hour) }
	x := func(ts int64) indicator.Indicator { return ind(indicator.IPv4, "198.51.100.7", ts) }
	y := ind(indicator.Domain, "bad.example", t1)
	z := ind(indicator.Domain, "new.example", t1) // new to the list
	xID, yID, zID := IndicatorID(x(0)), IndicatorID(y), IndicatorID(z)
	tests := []struct {
		name     string
		back     int64 // x's timestamp when it comes back
		generate time.Time
		want     string // x's modified when it comes back
	}{
		{"the same attribute", t1, date(4), stamp(date(4).Unix())},
		{"another attribute, older than the bump", t1 + 60, date(4), stamp(date(4).Unix())},
		// ahead of the clock: written at the list's date (version_clock_test.go)
		{"an attribute later than the list's date", date(5).Unix(), date(4), stamp(date(4).Unix())},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			renders := []struct {
				in   []indicator.Indicator
				date time.Time
			}{
				{[]indicator.Indicator{x(t2), y}, date(1)}, // served
				{[]indicator.Indicator{x(t1), y}, date(2)}, // newest attribute deleted: bumped
				{[]indicator.Indicator{y}, date(3)},        // left the list
				{[]indicator.Indicator{x(tc.back), y, z}, tc.generate},
			}
			var served []map[string]json.RawMessage
			var prev []byte
			for _, r := range renders {
				req := request(nil)
				req.Generated, req.Previous = r.date, prev
				prev, _ = render(t, req, r.in)
				served = append(served, stixObjects(t, prev))
			}
			last := stixTimes(t, prev)
			if got, want := last[xID], [2]string{stamp(min(tc.back, tc.generate.Unix())), tc.want}; got != want {
				t.Errorf("x back: created, modified %q, want %q", got, want)
			}
			if got := last[yID]; got != [2]string{stamp(t1), stamp(t1)} {
				t.Errorf("y: created, modified %q, want both %s", got, stamp(t1))
			}
			if got, want := last[zID], [2]string{stamp(t1), stamp(tc.generate.Unix())}; got != want {
				t.Errorf("z new: created, modified %q, want %q", got, want)
			}
			for i, objs := range served[:len(served)-1] {
				if was, ok := objs[xID]; ok && modifiedOf(t, was) >= last[xID][1] {
					t.Errorf("x back modified %s, not later than render %d's %s", last[xID][1], i+1, modifiedOf(t, was))
				}
				for id, was := range objs {
					if now, ok := served[len(served)-1][id]; ok && modifiedOf(t, now) == modifiedOf(t, was) && !bytes.Equal(now, was) {
						t.Errorf("render %d and the last have two objects of one id and modified:\n%s\n%s", i+1, was, now)
					}
				}
			}
			// A later date would take x's attribute time as it is, a new
			// version of x, when that time is ahead of the date.
			again := tc.generate.Add(time.Hour)
			if tc.back > tc.generate.Unix() {
				again = tc.generate
			}
			req := request(nil)
			req.Generated, req.Previous = again, prev
			if again, _ := render(t, req, renders[3].in); !bytes.Equal(stixTimesBytes(t, again), stixTimesBytes(t, prev)) {
				t.Errorf("rendered again from its own bytes:\n%s\nwant\n%s", again, prev)
			}
		})
	}
}

// stixTimesBytes is stixTimes of a bundle as JSON, to compare two.
func stixTimesBytes(t *testing.T, bundle []byte) []byte {
	t.Helper()
	b, err := json.Marshal(stixTimes(t, bundle))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// modifiedOf returns the modified time of a STIX object.
func modifiedOf(t *testing.T, obj []byte) string {
	t.Helper()
	var o struct{ Modified string }
	if err := json.Unmarshal(obj, &o); err != nil {
		t.Fatalf("object: %v\n%s", err, obj)
	}
	return o.Modified
}
