package testtool

import (
	"slices"
	"testing"
)

func TestRaceSample(t *testing.T) {
	s := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	cases := []struct {
		n        int
		race     []int
		withoutR []int
	}{
		{1, s, s},
		{5, []int{0, 5, 10}, s},
		{20, s, s}, // shorter than n: nothing to sample
	}
	for _, tc := range cases {
		want := tc.withoutR
		if RaceEnabled {
			want = tc.race
		}
		if got := RaceSample(t, s, tc.n); !slices.Equal(got, want) {
			t.Errorf("RaceSample(%d) = %v, want %v (race %v)", tc.n, got, want, RaceEnabled)
		}
	}
}
