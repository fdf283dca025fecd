//go:build race

package stix21

// raceEnabled is true when the tests run under the race detector, which
// slows schema validation some twenty-fold.
const raceEnabled = true
