package feedsnap

import "github.com/cratos-project/cratos/core/indicator"

// Difference counts how two snapshots of one feed differ, attribute by
// attribute (by uuid).
type Difference struct {
	// Missing are attributes only the second holds, Extra only the
	// first; Changed are held by both with other fields.
	Missing, Extra, Changed int
}

// Total is the number of attributes that differ.
func (d Difference) Total() int { return d.Missing + d.Extra + d.Changed }

// Diff compares have with want (a full read).
func Diff(have, want *Snapshot) Difference {
	byUUID := map[string]indicator.Attribute{}
	have.Each(func(a indicator.Attribute) { byUUID[a.UUID] = a })
	var d Difference
	want.Each(func(a indicator.Attribute) {
		h, ok := byUUID[a.UUID]
		switch {
		case !ok:
			d.Missing++
		case h != a:
			d.Changed++
		}
		delete(byUUID, a.UUID)
	})
	d.Extra = len(byUUID)
	return d
}
