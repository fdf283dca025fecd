package taxii

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
)

// TestMergedLegacyHistoryKeepsTheList: the user's history serves indA,
// indReturned and indC; a history kept per MISP key in the format whose
// ids every collection shared, holding indA and indReturned (in a later
// generation) active, is merged in. A refresh with the same indicators,
// before and after a restart, then shows the circuit breaker every one
// kept and changes nothing: the ids of the legacy history stood for
// those indicators, so the breaker saw them lost and held the refresh,
// and an ungated one revoked and added them again.
func TestMergedLegacyHistoryKeepsTheList(t *testing.T) {
	const user, legacyKey = "misp.example.net|u1|block", "misp.example.net|k0|block"
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, v1 := legacyState(t); dir.Write(fileName(legacyKey), v1) != nil {
		t.Fatal("legacy history not written")
	}
	feed := func() []indicator.Indicator {
		return indicator.Normalize([]indicator.Indicator{indA, indReturned, indC})
	}
	m := NewManager(dir, nil)
	if _, err := m.Refresh(user, mustCollection(t, m, user), new(int), feed, nil, at(10), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CollectionAdopting(user, legacyKey, testID); err != nil {
		t.Fatal(err)
	}
	for i, mgr := range []*Manager{m, NewManager(dir, nil)} {
		c, err := mgr.CollectionAdopting(user, legacyKey, testID)
		if err != nil {
			t.Fatal(err)
		}
		ids, _ := servedActive(c)
		before := c.Len()
		var asked []gateCall
		gate := func(n Counts) bool {
			asked = append(asked, gateCall{n.Prev, n.Kept, n.Cur})
			return n.Kept < n.Prev
		}
		if held, err := mgr.Refresh(user, c, new(int), feed, nil, at(11+i), gate); held || err != nil {
			t.Fatalf("refresh %d: held %v (gate asked %v), err %v", i, held, asked, err)
		}
		if !slices.Equal(asked, []gateCall{{3, 3, 3}}) {
			t.Errorf("refresh %d: gate asked %v, want 3 carried, 3 kept", i, asked)
		}
		if got, _ := servedActive(c); c.Len() != before || !slices.Equal(got, ids) {
			t.Errorf("refresh %d: %d new versions, serving %v, was %v", i, c.Len()-before, got, ids)
		}
	}
}
