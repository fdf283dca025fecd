package export

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

// TestCheckAgeAgreesWithSince: CheckAge accepts exactly what Since
// accepts, on clocks where calendar steps and daylight saving matter,
// for every N of every unit up to past its ten-year bound.
func TestCheckAgeAgreesWithSince(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	clocks := []time.Time{
		time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), // leap day: ten years back is 1 March
		time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 3, 29, 2, 30, 0, 0, berlin), // a skipped hour
		time.Date(2026, 10, 25, 2, 30, 0, 0, berlin),
		time.Date(2027, 1, 1, 0, 0, 0, 0, berlin),
	}
	for _, unit := range "hdwmy" {
		limit := safeAge[unit]
		var ns []int
		for n := range 200 {
			ns = append(ns, n)
		}
		for n := max(limit-50, 0); n <= min(limit+limit/10+100, 99999); n++ {
			ns = append(ns, n)
		}
		for _, now := range clocks {
			for _, n := range ns {
				age := strconv.Itoa(n) + string(unit)
				_, want := Since(age, now)
				got := CheckAge(age, func() time.Time { return now })
				if (got == nil) != (want == nil) {
					t.Fatalf("%q at %v: CheckAge %v, Since %v", age, now, got, want)
				}
			}
		}
	}
}

// TestCheckAge: malformed ages are refused like Since refuses them, and
// the clock is read only near the ten-year bound.
func TestCheckAge(t *testing.T) {
	tests := []struct {
		age      string
		ok       bool
		readsNow bool
	}{
		{"1h", true, false},
		{"6m", true, false},
		{"10y", true, true},
		{"11y", false, true},
		{"120m", true, true},
		{"3600d", true, false},
		{"3653d", false, true},
		{"0d", false, false},
		{"1x", false, false},
		{"1H", false, false},
		{"-1d", false, false},
		{"d", false, false},
		{"", false, false},
		{"123456d", false, false},
	}
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	for _, tc := range tests {
		read := false
		err := CheckAge(tc.age, func() time.Time { read = true; return now })
		if tc.ok != (err == nil) || err != nil && !errors.Is(err, ErrBadAge) {
			t.Errorf("%q: %v, want ok=%v", tc.age, err, tc.ok)
		}
		if read != tc.readsNow {
			t.Errorf("%q: read the clock %v, want %v", tc.age, read, tc.readsNow)
		}
	}
}
