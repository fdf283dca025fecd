package taxii

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// seq is an Ordered source: a smaller number predates a larger one.
type seq int

func (s seq) OlderThan(applied any, _ time.Time) bool {
	a, ok := applied.(seq)
	return ok && s < a
}

// TestOlderSourceNotApplied: a source older than the one a collection
// carries (a request that took its view before a refresh, applied after
// one that took it after) changes nothing; the next newer source does.
func TestOlderSourceNotApplied(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		src         any // applied after seq(2)
		ins         []indicator.Indicator
		wantChanged bool
		wantActive  int
	}{
		{name: "older", src: seq(1), ins: ips(0, 50), wantActive: 100},
		{name: "older, other content", src: seq(1), ins: ips(200, 210), wantActive: 100},
		{name: "newer", src: seq(3), ins: ips(0, 50), wantChanged: true, wantActive: 50},
		{name: "not ordered", src: "another", ins: ips(0, 50), wantChanged: true, wantActive: 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCollection(testID)
			if changed, err := c.Apply(seq(2), ips(0, 100), nil, t0); !changed || err != nil {
				t.Fatalf("first refresh: changed %v err %v", changed, err)
			}
			versions, changes := c.Len(), c.Changes()
			changed, err := c.Apply(tt.src, tt.ins, nil, t0.Add(time.Minute))
			if err != nil || changed != tt.wantChanged {
				t.Fatalf("changed %v err %v, want changed %v", changed, err, tt.wantChanged)
			}
			if n := c.active(); n != tt.wantActive {
				t.Errorf("%d active, want %d", n, tt.wantActive)
			}
			if !tt.wantChanged && (c.Len() != versions || c.Changes() != changes) {
				t.Errorf("an older source added %d versions", c.Len()-versions)
			}
			// The newest source is applied whatever came between.
			if changed, err := c.Apply(seq(4), ips(0, 100), nil, t0.Add(2*time.Minute)); err != nil || changed != tt.wantChanged {
				t.Fatalf("newest: changed %v err %v, want %v", changed, err, tt.wantChanged)
			}
			if n := c.active(); n != 100 {
				t.Errorf("newest: %d active, want 100", n)
			}
		})
	}
}
