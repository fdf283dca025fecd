package export

import "time"

// safeAge is, per unit, the largest N whose age is within ten years
// whatever the clock says: months and years are calendar steps and hours
// cross daylight-saving changes, so the bounds keep a margin of days.
var safeAge = [256]int{'h': 3600 * 24, 'd': 3600, 'w': 3600 / 7, 'm': 119, 'y': 9}

// CheckAge reports whether Since accepts age, without its calendar
// arithmetic for the ages a route sees: N followed by a unit that is
// clearly within ten years is valid, and only an age near the bound
// calls now (which may then be any clock) to decide as Since does.
func CheckAge(age string, now func() time.Time) error {
	if len(age) < 2 || len(age) > 6 {
		return ErrBadAge
	}
	n := 0
	for _, c := range age[:len(age)-1] {
		if c < '0' || c > '9' {
			return ErrBadAge
		}
		n = n*10 + int(c-'0')
	}
	limit := safeAge[age[len(age)-1]]
	switch {
	case limit == 0 || n == 0:
		return ErrBadAge
	case n <= limit:
		return nil
	}
	_, err := Since(age, now())
	return err
}
