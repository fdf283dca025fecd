package stix21

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// An attribute time ahead of the clock (MISP on a skewed clock, a date
// typed in the future) is written as the list's date: served as it is,
// it gave its indicator a modified time past the dates of the lists to
// come, so when the value left the list and came back under a later
// list date, a TIP that keeps the latest version of an id kept the
// earlier one. Every changed version of an indicator is later than the
// one before, none later than its list's date, and created ≤ modified.
func TestFutureTimestampKeepsVersionsMonotonic(t *testing.T) {
	const t1 = 1767348000 // 2026-01-02T10:00:00Z
	date := func(hours int) time.Time { return time.Unix(t1, 0).UTC().Add(time.Duration(hours) * time.Hour) }
	future := date(48).Unix()
	x := func(ts int64) indicator.Indicator { return ind(indicator.IPv4, "198.51.100.7", ts) }
	y := ind(indicator.Domain, "bad.example", t1)
	xID := IndicatorID(x(0))
	type list struct {
		in   []indicator.Indicator
		date time.Time
	}
	tests := []struct {
		name  string
		lists []list
	}{
		{"back under an older attribute", []list{{[]indicator.Indicator{x(future), y}, date(1)}, {[]indicator.Indicator{y}, date(2)}, {[]indicator.Indicator{x(t1), y}, date(3)}}},
		{"back under the same attribute", []list{{[]indicator.Indicator{x(future), y}, date(1)}, {[]indicator.Indicator{y}, date(2)}, {[]indicator.Indicator{x(future), y}, date(3)}}},
		{"served on under later list dates", []list{{[]indicator.Indicator{x(future), y}, date(1)}, {[]indicator.Indicator{x(future)}, date(2)}, {[]indicator.Indicator{x(t1)}, date(3)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prev, lastObj []byte
			last := ""
			for i, l := range tc.lists {
				req := request(nil)
				req.Generated, req.Previous = l.date, prev
				prev, _ = render(t, req, l.in)
				obj, ok := stixObjects(t, prev)[xID]
				if !ok {
					continue
				}
				var o struct {
					Created, Modified string
					ValidFrom         string `json:"valid_from"`
				}
				if err := json.Unmarshal(obj, &o); err != nil {
					t.Fatal(err)
				}
				listDate := l.date.Format("2006-01-02T15:04:05.000Z")
				goesBack := o.Modified < last || o.Modified == last && string(obj) != string(lastObj)
				if goesBack || o.Modified > listDate || o.Created > o.Modified || o.ValidFrom > listDate {
					t.Errorf("list %d (dated %s): x created %s, modified %s, valid_from %s; the version before %q", i+1, listDate, o.Created, o.Modified, o.ValidFrom, last)
				}
				last, lastObj = o.Modified, obj
			}
		})
	}
}
