package taxii

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestHeldRefreshRevokesKeptOut: a refresh held after a change of the
// guard's settings still revokes the active indicators the new settings
// keep out, saved before they are served, and holds the rest; a plain
// hold, or one whose save fails, changes nothing. Released, the refresh
// applies.
func TestHeldRefreshRevokesKeptOut(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	// The new settings keep out 198.51.100.0 to .19.
	keptOut := func(in indicator.Indicator) bool {
		a, err := netip.ParseAddr(in.Value)
		return err == nil && a.As4()[3] < 20
	}
	tests := []struct {
		name     string
		settings string // of the held refresh; the history's are g1
		failSave bool
		revoked  int // while held
	}{
		{name: "settings changed", settings: "g2", revoked: 20},
		{name: "same settings", settings: "g1"},
		{name: "settings changed, save fails", settings: "g2", failSave: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, m, c := durableCollection(t)
			if _, err := m.Refresh(durableKey, c, &basedSource{"g1", 100}, func() []indicator.Indicator { return ips(0, 100) }, nil, t0, nil); err != nil {
				t.Fatal(err)
			}
			before, changes := c.Len(), c.Changes()
			if tt.failSave {
				m.write = func(string, []byte) error { return errors.New("read-only file system") }
			}
			// MISP gives a tenth: 198.51.100.50 to .59.
			src := &basedSource{tt.settings, 10}
			hold := true
			gate := func(Counts) bool { return hold }
			for i := range 2 { // asked again: nothing more
				held, err := m.RefreshUnder(durableKey, c, src, func() []indicator.Indicator { return ips(50, 60) }, keptOut, nil, t0.Add(time.Minute), gate)
				if !held || errors.Is(err, ErrNotSaved) != tt.failSave {
					t.Fatalf("refresh %d: held %v, err %v", i, held, err)
				}
			}
			if got := c.Len() - before; got != tt.revoked || c.active() != 100-tt.revoked || (tt.revoked == 0) != (c.Changes() == changes) {
				t.Fatalf("held: %d new versions, %d active; want %d revoked", got, c.active(), tt.revoked)
			}
			if tt.revoked > 0 {
				reread := mustCollection(t, NewManager(dir, nil), durableKey)
				if reread.Len() != c.Len() || reread.active() != c.active() {
					t.Errorf("saved: %d versions, %d active; want %d, %d", reread.Len(), reread.active(), c.Len(), c.active())
				}
			}
			m.write = dir.Write
			hold = false // released
			if held, err := m.RefreshUnder(durableKey, c, src, nil, keptOut, nil, t0.Add(2*time.Minute), gate); held || err != nil {
				t.Fatalf("released: held %v, err %v", held, err)
			}
			if got := c.Len() - before; got != 90 || c.active() != 10 {
				t.Errorf("released: %d new versions, %d active; want 90 revoked, 10 active", got, c.active())
			}
		})
	}
}
