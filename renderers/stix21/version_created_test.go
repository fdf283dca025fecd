package stix21

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/indicator"
)

// An indicator served in the list before keeps that version's created
// time (STIX 2.1 versioning keeps created across the versions of an
// object), and its valid_from only ever moves back, to an older attribute
// now behind its value. An attribute time ahead of the clock, written as
// the list's date, took each new list's date as created and valid_from,
// a new version of the same indicator at every list date; an attribute
// replaced by an older one of the same value took the older time as
// created. An unchanged list keeps its objects' bytes.
func TestVersionsKeepCreated(t *testing.T) {
	const t1 = 1767348000 // 2026-01-02T10:00:00Z
	date := func(hours int) time.Time { return time.Unix(t1, 0).UTC().Add(time.Duration(hours) * time.Hour) }
	stamp := func(tm time.Time) string { return tm.Format("2006-01-02T15:04:05.000Z") }
	x := func(ts int64) indicator.Indicator { return ind(indicator.IPv4, "198.51.100.7", ts) }
	y := ind(indicator.Domain, "bad.example", t1)
	xID, yID := IndicatorID(x(0)), IndicatorID(y)
	type list struct {
		ts   int64     // x's attribute time
		date time.Time // the list's date
		want times     // x's times in that list
	}
	d1, d2, d4, d5 := stamp(date(1)), stamp(date(2)), stamp(date(4)), stamp(date(5))
	tests := []struct {
		name  string
		lists []list
	}{
		{"an attribute ahead of the clock", []list{
			{date(48).Unix(), date(1), times{d1, d1, d1}},
			{date(48).Unix(), date(2), times{d1, d1, d1}},
			{date(48).Unix(), date(49), times{d1, d1, d1}}, // the clock passed it
		}},
		{"an attribute replaced by an older one", []list{
			{date(2).Unix(), date(3), times{d2, d2, d2}},
			{t1, date(4), times{d2, d4, stamp(date(0))}},
			{t1, date(5), times{d2, d4, stamp(date(0))}},
		}},
		{"an older attribute under a list dated before the previous time", []list{
			{date(5).Unix(), date(6), times{d5, d5, d5}},
			{date(1).Unix(), date(2), times{d5, "2026-01-02T15:00:00.001Z", d1}},
		}},
		{"an attribute edited", []list{
			{t1, date(1), times{stamp(date(0)), stamp(date(0)), stamp(date(0))}},
			{date(2).Unix(), date(3), times{stamp(date(0)), stamp(date(0)), stamp(date(0))}},
		}},
		{"an ordinary attribute", []list{
			{date(1).Unix(), date(2), times{d1, d1, d1}},
			{date(1).Unix(), date(3), times{d1, d1, d1}},
			{date(1).Unix(), date(4), times{d1, d1, d1}},
		}},
	}
	v := stixschema.ForTest(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prev []byte
			for i, l := range tc.lists {
				in := []indicator.Indicator{x(l.ts), y}
				req := request(nil)
				req.Generated, req.Previous = l.date, prev
				got, _ := render(t, req, in)
				if err := v.ValidateBundle(got); err != nil {
					t.Fatalf("list %d: ValidateBundle: %v\n%s", i+1, err, got)
				}
				objs := stixObjects(t, got)
				if x := indicatorTimes(t, objs[xID]); x != l.want {
					t.Errorf("list %d: x created, modified, valid_from %q, want %q", i+1, x, l.want)
				}
				if y := indicatorTimes(t, objs[yID]); y != (times{stamp(date(0)), stamp(date(0)), stamp(date(0))}) {
					t.Errorf("list %d: y created, modified, valid_from %q, want all %s", i+1, y, stamp(date(0)))
				}
				if i > 0 && l.want == tc.lists[i-1].want && !bytes.Equal(objectsOf(got), objectsOf(prev)) {
					t.Errorf("list %d: unchanged objects, other bytes:\n%s\nwant\n%s", i+1, got, prev)
				}
				req.Previous = got
				if again, _ := render(t, req, in); !bytes.Equal(again, got) {
					t.Errorf("list %d rendered again from its own bytes:\n%s\nwant\n%s", i+1, again, got)
				}
				prev = got
			}
		})
	}
}

// times are the created, modified and valid_from time of an indicator.
type times struct{ created, modified, validFrom string }

// indicatorTimes returns the created, modified and valid_from time of a
// STIX indicator object.
func indicatorTimes(t *testing.T, obj []byte) times {
	t.Helper()
	var o struct {
		Created, Modified string
		ValidFrom         string `json:"valid_from"`
	}
	if err := json.Unmarshal(obj, &o); err != nil {
		t.Fatalf("object: %v\n%s", err, obj)
	}
	return times{o.Created, o.Modified, o.ValidFrom}
}

// objectsOf returns the objects of a bundle, without its id (which
// follows the list's date).
func objectsOf(bundle []byte) []byte {
	return bundle[:bytes.LastIndex(bundle, []byte(`"id":"bundle--`))]
}
