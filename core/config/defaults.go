package config

import "fmt"

// setDefault sets *v to def when it is zero.
func setDefault[T int | int64](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// checkRange appends to errs an error naming key when its value v lies
// outside lo-hi.
func checkRange(errs []error, key string, v, lo, hi int) []error {
	if v < lo || v > hi {
		return append(errs, fmt.Errorf("%s %d: want %d-%d", key, v, lo, hi))
	}
	return errs
}
