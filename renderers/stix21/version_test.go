package stix21

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// stixTimes returns the created and modified time of each indicator of a
// bundle, by id.
func stixTimes(t *testing.T, bundle []byte) map[string][2]string {
	t.Helper()
	var b struct {
		Objects []struct{ Type, ID, Created, Modified string }
	}
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatalf("bundle: %v\n%s", err, bundle)
	}
	out := map[string][2]string{}
	for _, o := range b.Objects {
		if o.Type == "indicator" {
			out[o.ID] = [2]string{o.Created, o.Modified}
		}
	}
	return out
}

// An indicator's modified time never goes back from the bundle last
// served for the list (Request.Previous): when the attribute behind a
// value goes and an older one of the same value stays, the value's object
// changes (valid_from; created stays that of the version before) under a
// later modified time, the list's date, or the previous time and a
// millisecond when that date is not later. A bundle rendered again from
// the same input and its own bytes is the same, byte for byte.
func TestModifiedNeverGoesBack(t *testing.T) {
	const (
		t1 = 1767348000 // 2026-01-02T10:00:00Z
		t2 = t1 + 3600
		t3 = t2 + 3600
	)
	stamp := func(ts int64) string { return time.Unix(ts, 0).UTC().Format("2006-01-02T15:04:05.000Z") }
	x := func(ts int64) indicator.Indicator { return ind(indicator.IPv4, "198.51.100.7", ts) }
	y := ind(indicator.Domain, "bad.example", t1)
	xID, yID := IndicatorID(x(0)), IndicatorID(y)
	first := time.Unix(t2, 0).UTC()
	tests := []struct {
		name      string
		before    int64     // x's timestamp in the previous bundle
		after     int64     // x's timestamp now
		generated time.Time // the list's date now
		want      string    // x's modified now
	}{
		{"the newest attribute deleted", t2, t1, time.Unix(t3, 0).UTC(), stamp(t3)},
		{"the list dated before the previous time", t2, t1, time.Unix(t1, 0).UTC(), "2026-01-02T11:00:00.001Z"},
		{"an attribute edited", t2, t3, time.Unix(t3+60, 0).UTC(), stamp(t2)}, // valid_from never moves forward
		{"unchanged", t2, t2, time.Unix(t3, 0).UTC(), stamp(t2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := request(nil)
			req.Generated = first
			prev, _ := render(t, req, []indicator.Indicator{x(tc.before), y})
			req.Generated, req.Previous = tc.generated, prev
			in := []indicator.Indicator{x(tc.after), y}
			got, _ := render(t, req, in)
			times := stixTimes(t, got)
			if x := times[xID]; x != [2]string{stamp(tc.before), tc.want} {
				t.Errorf("x created, modified %q, want %q", x, [2]string{stamp(tc.before), tc.want})
			}
			if y := times[yID]; y != [2]string{stamp(t1), stamp(t1)} {
				t.Errorf("y created, modified %q, want both %s", y, stamp(t1))
			}
			req.Generated, req.Previous = tc.generated.Add(time.Hour), got
			if again, _ := render(t, req, in); !bytes.Equal(again[:bytes.LastIndex(again, []byte(`"id"`))], got[:bytes.LastIndex(got, []byte(`"id"`))]) {
				t.Errorf("rendered again from its own bytes:\n%s\nwant\n%s", again, got)
			}
			req.Generated = tc.generated
			if again, _ := render(t, req, in); !bytes.Equal(again, got) {
				t.Errorf("rendered again under the same date:\n%s\nwant\n%s", again, got)
			}
		})
	}
}

// Previous bodies that are not bundles of this renderer, or whose
// objects are cut, change nothing.
func TestForeignPreviousIsIgnored(t *testing.T) {
	in := []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 1767348000)}
	want, _ := render(t, request(nil), in)
	cut := want[:bytes.Index(want, []byte(`","modified":"`))+20]
	for _, prev := range [][]byte{nil, []byte("198.51.100.7\n"), cut, bytes.ReplaceAll(want, []byte("2026-01-02T10:00:00.000Z"), []byte("2026-13-02T10:00:00.000Z"))} {
		req := request(nil)
		req.Previous = prev
		if got, _ := render(t, req, in); !bytes.Equal(got, want) {
			t.Errorf("previous %.60q changed the bundle:\n%s\nwant\n%s", prev, got, want)
		}
	}
}
