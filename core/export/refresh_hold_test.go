package export

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/guard"
)

func TestRefreshBreaks(t *testing.T) {
	b := guard.Breaker{DropPercent: 50, MinEntries: 100}
	tests := []struct {
		name            string
		b               guard.Breaker
		prev, kept, cur int
		// input and former: what MISP gave after a change of the guard's
		// settings (former 0: no change)
		input, former int
		hold          bool
		reason        string
	}{
		{name: "a tenth", b: b, prev: 1000, kept: 100, cur: 100, hold: true, reason: "would revoke 900 of the collection's 1000 indicators (90%); the limit is 50%"},
		{name: "half exactly", b: b, prev: 1000, kept: 500, cur: 500},
		{name: "more than half", b: b, prev: 1000, kept: 499, cur: 499, hold: true},
		{name: "replaced by as many", b: b, prev: 1000, kept: 0, cur: 1000, hold: true},
		{name: "grown", b: b, prev: 1000, kept: 1000, cur: 2000},
		{name: "small and mostly gone", b: b, prev: 99, kept: 1, cur: 1},
		{name: "small and empty", b: b, prev: 3, kept: 0, cur: 0, hold: true, reason: "the refreshed collection is empty; it has 3 indicators"},
		{name: "small, replaced", b: b, prev: 3, kept: 0, cur: 3},
		{name: "another limit", b: guard.Breaker{DropPercent: 10, MinEntries: 10}, prev: 100, kept: 89, cur: 89, hold: true},
		{name: "off", b: guard.Breaker{Off: true, DropPercent: 50, MinEntries: 100}, prev: 1000, kept: 0, cur: 0},
		{name: "never_block revokes most, MISP unchanged", b: b, prev: 1000, kept: 100, cur: 100, input: 1000, former: 1000},
		{name: "never_block revokes all, MISP unchanged", b: b, prev: 1000, kept: 0, cur: 0, input: 1000, former: 1000},
		{name: "never_block changed, MISP answers a tenth", b: b, prev: 1000, kept: 1000, cur: 1000, input: 100, former: 1000, hold: true,
			reason: "MISP gave 100 attributes for the refresh, 90% fewer than for the one the collection carries (1000); the limit is 50%"},
		{name: "never_block changed, MISP answers nothing", b: b, prev: 1000, kept: 0, cur: 0, input: 0, former: 1000, hold: true,
			reason: "MISP gave 0 attributes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Refresh{Previous: tt.prev, Kept: tt.kept, Current: tt.cur, SettingsChanged: tt.former > 0, Input: tt.input, FormerInput: tt.former}
			why, hold := refreshBreaks(tt.b, f)
			if hold != tt.hold || !strings.Contains(why, tt.reason) || hold != (why != "") {
				t.Errorf("refreshBreaks = %q, %v; want %v, %q", why, hold, tt.hold, tt.reason)
			}
		})
	}
}
