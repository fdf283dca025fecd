package taxii

import (
	"net/netip"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
)

// TestHeldRefreshRevertedSettings: a refresh held after a change of the
// guard's settings revokes what they keep out; the settings reverted
// during the same hold, the next refresh, held still, carries those
// indicators again, as the feed's held lists do.
func TestHeldRefreshRevertedSettings(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	keptOut := func(in indicator.Indicator) bool {
		a, err := netip.ParseAddr(in.Value)
		return err == nil && a.As4()[3] < 20
	}
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := NewManager(dir, nil)
	c := mustCollection(t, m, durableKey)
	if _, err := m.Refresh(durableKey, c, &basedSource{"g1", 100}, func() []indicator.Indicator { return ips(0, 100) }, nil, t0, nil); err != nil {
		t.Fatal(err)
	}
	hold := func(Counts) bool { return true }
	if held, err := m.RefreshUnder(durableKey, c, &basedSource{"g2", 10}, func() []indicator.Indicator { return ips(50, 60) }, keptOut, nil, t0.Add(time.Minute), hold); !held || err != nil || c.active() != 80 {
		t.Fatalf("held under g2: held %v, err %v, %d active", held, err, c.active())
	}
	before := c.Len()
	none := func(indicator.Indicator) bool { return false }
	reverted := &basedSource{"g1", 10}
	if held, err := m.RefreshUnder(durableKey, c, reverted, func() []indicator.Indicator { return ips(50, 60) }, none, nil, t0.Add(2*time.Minute), hold); !held || err != nil || c.active() != 100 {
		t.Fatalf("held under g1 again: held %v, err %v, %d active; want 100", held, err, c.active())
	}
	if got := c.Len() - before; got != 20 {
		t.Errorf("held under g1 again: %d new versions, want 20 new objects", got)
	}
	reread := mustCollection(t, NewManager(dir, nil), durableKey)
	if reread.Len() != c.Len() || reread.active() != 100 {
		t.Errorf("saved: %d versions, %d active; want %d, 100", reread.Len(), reread.active(), c.Len())
	}
	// Asked again, and released: nothing more comes back, MISP's shrink applies.
	if held, err := m.RefreshUnder(durableKey, c, reverted, func() []indicator.Indicator { return ips(50, 60) }, none, nil, t0.Add(3*time.Minute), hold); !held || err != nil || c.Len()-before != 20 {
		t.Fatalf("asked again: held %v, err %v, %d new versions", held, err, c.Len()-before)
	}
	if held, err := m.RefreshUnder(durableKey, c, reverted, nil, none, nil, t0.Add(4*time.Minute), func(Counts) bool { return false }); held || err != nil || c.active() != 10 {
		t.Fatalf("released: held %v, err %v, %d active; want 10", held, err, c.active())
	}
}
