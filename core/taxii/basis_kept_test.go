package taxii

import (
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestBasisOfUnchangedRefreshKept: a refresh that changes nothing of
// the history still leaves its Basis (the guard's settings and MISP's
// input count) for the breaker after a restart, and a change saved later
// wins over it.
func TestBasisOfUnchangedRefreshKept(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	ja3 := ind(indicator.JA3, "0123456789abcdef0123456789abcdef", 1700000000) // no STIX object
	type step struct {
		src any
		ins []indicator.Indicator
	}
	tests := []struct {
		name  string
		steps []step // the refreshes before the restart
		want  Counts // what the gate is asked after it, for a refresh under g2 to A and C
	}{
		{name: "input count of a refresh with the same indicators",
			steps: []step{{&basedSource{"g1", 40}, []indicator.Indicator{indA, indB}}, {&basedSource{"g1", 100}, []indicator.Indicator{indA, indB}}},
			want:  Counts{Prev: 2, Kept: 1, Cur: 2, SettingsChanged: true, Input: 60, FormerInput: 100}},
		{name: "settings of a refresh with the same indicators",
			steps: []step{{&basedSource{"g1", 40}, []indicator.Indicator{indA, indB}}, {&basedSource{"g2", 40}, []indicator.Indicator{indA, indB}}},
			want:  Counts{Prev: 2, Kept: 1, Cur: 2}},
		{name: "input count of a refresh adding no STIX object",
			steps: []step{{&basedSource{"g1", 40}, []indicator.Indicator{indA, indB}}, {&basedSource{"g1", 100}, []indicator.Indicator{indA, indB, ja3}}},
			want:  Counts{Prev: 2, Kept: 1, Cur: 2, SettingsChanged: true, Input: 60, FormerInput: 100}},
		{name: "a change saved after it",
			steps: []step{{&basedSource{"g1", 40}, []indicator.Indicator{indA, indB}}, {&basedSource{"g1", 100}, []indicator.Indicator{indA, indB}},
				{&basedSource{"g1", 50}, []indicator.Indicator{indA, indB, indD}}},
			want: Counts{Prev: 3, Kept: 1, Cur: 2, SettingsChanged: true, Input: 60, FormerInput: 50}},
		{name: "a change saved after it, then a refresh with the same indicators",
			steps: []step{{&basedSource{"g1", 40}, []indicator.Indicator{indA, indB}}, {&basedSource{"g1", 100}, []indicator.Indicator{indA, indB}},
				{&basedSource{"g1", 50}, []indicator.Indicator{indA, indB, indD}}, {&basedSource{"g1", 70}, []indicator.Indicator{indA, indB, indD}}},
			want: Counts{Prev: 3, Kept: 1, Cur: 2, SettingsChanged: true, Input: 60, FormerInput: 70}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, m, c := durableCollection(t)
			for i, s := range tt.steps {
				view := func() []indicator.Indicator { return indicator.Normalize(slices.Clone(s.ins)) }
				if _, err := m.Refresh(durableKey, c, s.src, view, nil, t0.Add(time.Duration(i)*time.Minute), nil); err != nil {
					t.Fatal(err)
				}
			}
			m = NewManager(dir, nil) // a restart
			c = mustCollection(t, m, durableKey)
			var asked []Counts
			gate := func(n Counts) bool { asked = append(asked, n); return true }
			view := func() []indicator.Indicator { return indicator.Normalize([]indicator.Indicator{indA, indC}) }
			held, err := m.Refresh(durableKey, c, &basedSource{"g2", 60}, view, nil, t0.Add(time.Hour), gate)
			if err != nil || !held || len(asked) != 1 || asked[0] != tt.want {
				t.Fatalf("held %v, %v; gate asked %+v, want %+v", held, err, asked, tt.want)
			}
		})
	}
}
