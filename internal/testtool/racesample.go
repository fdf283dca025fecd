package testtool

import "testing"

// RaceSample returns every nth element of s when the race detector is on
// (see RaceEnabled) and s itself otherwise, logging the sample's size:
// single-threaded checks over large data gain nothing from the detector,
// and `make test` runs them in full once more without it (its
// FULL_DATA_TESTS).
func RaceSample[T any](t testing.TB, s []T, n int) []T {
	t.Helper()
	if !RaceEnabled || n <= 1 || len(s) <= n {
		return s
	}
	out := make([]T, 0, (len(s)+n-1)/n)
	for i := 0; i < len(s); i += n {
		out = append(out, s[i])
	}
	t.Logf("race detector on: checking every %dth of %d (%d); make test checks them all without it", n, len(s), len(out))
	return out
}
