//go:build !race

package testtool

// RaceEnabled is true when the tests run under the race detector, which
// slows CPU-bound checks some twenty-fold: a test may check a sample of
// its data then, and `make test` runs it in full once more without.
const RaceEnabled = false
