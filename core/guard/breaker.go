package guard

import (
	"fmt"

	"github.com/cratos-project/cratos/core/config"
)

// Breaker is the mass-change rule: a rebuilt list that is empty while the
// last good one was not, or that lost more than DropPercent of its
// entries when the last good one had at least MinEntries, is held.
type Breaker struct {
	Off         bool
	DropPercent int
	MinEntries  int
}

// BreakerOf returns the site's breaker rule.
func BreakerOf(site *config.Site) Breaker {
	g := site.Guard
	b := Breaker{Off: !g.BreakerOn(), DropPercent: g.HoldDropPercent, MinEntries: g.HoldMinEntries}
	if b.DropPercent <= 0 {
		b.DropPercent = config.DefaultHoldDropPercent
	}
	if b.MinEntries <= 0 {
		b.MinEntries = config.DefaultHoldMinEntries
	}
	return b
}

// Hold reports whether a list of cur entries must not replace the last
// good one of prev entries, and why.
func (b Breaker) Hold(prev, cur int) (string, bool) {
	if !b.trips(prev, cur) {
		return "", false
	}
	if cur == 0 {
		return fmt.Sprintf("the rebuilt list is empty; the last good one has %d entries", prev), true
	}
	return fmt.Sprintf("the rebuilt list has %d entries, %d%% fewer than the last good one (%d); the limit is %d%%",
		cur, (prev-cur)*100/prev, prev, b.DropPercent), true
}

// HoldInput is Hold for the attributes MISP gave for each list, which the
// breaker compares after a change of the guard or renderer options: a
// list those settings shrank is the operator's choice, one whose MISP
// answer shrank is not.
func (b Breaker) HoldInput(prev, cur int) (string, bool) {
	if !b.trips(prev, cur) {
		return "", false
	}
	return fmt.Sprintf("MISP gave %d attributes for the rebuilt list, %d%% fewer than for the last good one (%d); the limit is %d%%",
		cur, (prev-cur)*100/prev, prev, b.DropPercent), true
}

// trips reports whether cur, a count of the rebuilt list, breaks the
// rule against prev, that of the last good one.
func (b Breaker) trips(prev, cur int) bool {
	if b.Off || cur >= prev {
		return false
	}
	return cur == 0 || prev >= b.MinEntries && (prev-cur)*100 > prev*b.DropPercent
}
