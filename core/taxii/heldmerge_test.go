package taxii

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
)

// TestHeldRevertedAfterMerge: a refresh held after a change of the
// guard's settings revokes what they keep out; a history kept per MISP
// key in the format whose ids every collection shared is then merged
// in, which puts objects before the collection's own; the settings
// reverted, the next held refresh carries again exactly the indicators
// the hold revoked, never one MISP dropped before it.
func TestHeldRevertedAfterMerge(t *testing.T) {
	const user, legacyKey = "misp.example.net|u1|block", "misp.example.net|k0|block"
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, v1 := legacyState(t); dir.Write(fileName(legacyKey), v1) != nil {
		t.Fatal("legacy history not written")
	}
	m := NewManager(dir, nil)
	c := mustCollection(t, m, user)
	view := func(from, to int) func() []indicator.Indicator {
		return func() []indicator.Indicator { return ips(from, to) }
	}
	// MISP gives .0 to .9, then drops .0 to .3.
	for i, v := range []func() []indicator.Indicator{view(0, 10), view(4, 10)} {
		if _, err := m.Refresh(user, c, &basedSource{"g1", 10 - 4*i}, v, nil, t0.Add(time.Duration(i)*time.Minute), nil); err != nil {
			t.Fatal(err)
		}
	}
	// The new settings keep out .4 to .7: the held refresh revokes them.
	keptOut := func(in indicator.Indicator) bool {
		a, err := netip.ParseAddr(in.Value)
		return err == nil && a.As4()[3] >= 4 && a.As4()[3] < 8
	}
	hold := func(Counts) bool { return true }
	if held, err := m.RefreshUnder(user, c, &basedSource{"g2", 6}, view(8, 10), keptOut, nil, t0.Add(2*time.Minute), hold); !held || err != nil || c.active() != 2 {
		t.Fatalf("held under g2: held %v, err %v, %d active", held, err, c.active())
	}
	merged, err := m.CollectionAdopting(user, legacyKey, testID)
	if err != nil || merged != c {
		t.Fatalf("merge: %v", err)
	}
	none := func(indicator.Indicator) bool { return false }
	if held, err := m.RefreshUnder(user, c, &basedSource{"g1", 6}, view(4, 10), none, nil, t0.Add(3*time.Minute), hold); !held || err != nil {
		t.Fatalf("held under g1 again: held %v, err %v", held, err)
	}
	var want []string
	for i := 4; i < 10; i++ {
		want = append(want, fmt.Sprintf("198.51.100.%d", i))
	}
	slices.Sort(want)
	if _, got := servedActive(c); !slices.Equal(got, want) {
		t.Fatalf("held under g1 again: served %v, want %v", got, want)
	}
	if _, got := servedActive(mustCollection(t, NewManager(dir, nil), user)); !slices.Equal(got, want) {
		t.Fatalf("saved: served %v, want %v", got, want)
	}
}
