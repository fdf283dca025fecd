package taxii

import (
	"fmt"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// ips returns the addresses 198.51.100.<from> to <to-1>.
func ips(from, to int) []indicator.Indicator {
	var out []indicator.Indicator
	for i := from; i < to; i++ {
		out = append(out, ind(indicator.IPv4, fmt.Sprintf("198.51.100.%d", i), 1700000000))
	}
	return out
}

// gateCall is one call of a Gate.
type gateCall struct{ prev, kept, cur int }

// TestApplyGated: what a Gate is asked, and what a held refresh changes
// (nothing) until the gate lets it through.
func TestApplyGated(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		next     []indicator.Indicator // the refresh after ips(0, 100)
		wantCall gateCall
		revoked  int // revoked versions once the refresh goes through
		added    int // new indicator objects then
	}{
		{name: "a tenth", next: ips(0, 10), wantCall: gateCall{100, 10, 10}, revoked: 90},
		{name: "empty", next: nil, wantCall: gateCall{100, 0, 0}, revoked: 100},
		{name: "replaced", next: ips(100, 200), wantCall: gateCall{100, 0, 100}, revoked: 100, added: 100},
		{name: "grown", next: ips(50, 150), wantCall: gateCall{100, 50, 100}, revoked: 50, added: 50},
		{name: "same content", next: ips(0, 100), wantCall: gateCall{100, 100, 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCollection(testID)
			var calls []gateCall
			hold := true
			gate := func(n Counts) bool {
				calls = append(calls, gateCall{n.Prev, n.Kept, n.Cur})
				return hold
			}
			// A collection with nothing to lose is asked nothing worth holding.
			if changed, held, err := c.ApplyGated("s0", func() []indicator.Indicator { return ips(0, 100) }, nil, t0, gate); !changed || held || err != nil {
				t.Fatalf("first refresh: changed %v held %v err %v", changed, held, err)
			}
			if len(calls) != 0 {
				t.Fatalf("an empty collection asked the gate %v", calls)
			}
			hold = false
			_, _, _ = c.ApplyGated("s0", nil, nil, t0, gate) // the same source: free, nothing asked
			if len(calls) != 0 {
				t.Fatalf("the same source asked the gate %v", calls)
			}
			before, changes := c.Len(), c.Changes()
			hold = true
			views := 0
			view := func() []indicator.Indicator { views++; return tt.next }
			for i := range 2 {
				changed, held, err := c.ApplyGated("s1", view, nil, t0.Add(time.Minute), gate)
				if err != nil || changed || held != (tt.revoked > 0) {
					t.Fatalf("refresh %d: changed %v held %v err %v", i, changed, held, err)
				}
			}
			if len(calls) == 0 || calls[0] != tt.wantCall {
				t.Fatalf("gate calls %v, want %v first", calls, tt.wantCall)
			}
			if c.Len() != before || c.Changes() != changes {
				t.Fatalf("a held refresh changed the collection: %d versions, want %d", c.Len(), before)
			}
			if tt.revoked == 0 {
				return
			}
			if views != 1 || len(calls) != 2 || calls[1] != tt.wantCall {
				t.Fatalf("asked again: %d views, gate calls %v", views, calls)
			}
			hold = false // released
			changed, held, err := c.ApplyGated("s1", view, nil, t0.Add(2*time.Minute), gate)
			if err != nil || !changed || held || views != 1 {
				t.Fatalf("released: changed %v held %v err %v views %d", changed, held, err, views)
			}
			if got := c.Len() - before; got != tt.revoked+tt.added {
				t.Errorf("released: %d new versions, want %d revoked and %d added", got, tt.revoked, tt.added)
			}
			if n := c.active(); n != len(tt.next) {
				t.Errorf("released: %d active, want %d", n, len(tt.next))
			}
			_, objs := decode(t, mustObjects(t, c, "match[type]=indicator", ""))
			revoked := 0
			for _, o := range objs {
				if o.Revoked {
					revoked++
				}
			}
			if revoked != tt.revoked {
				t.Errorf("released: %d revoked objects served, want %d", revoked, tt.revoked)
			}
		})
	}
}
