package renderers

import (
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
)

// Slice returns a sequence over ins, for tests and callers holding a slice.
func Slice(ins []indicator.Indicator) iter.Seq[indicator.Indicator] {
	return func(yield func(indicator.Indicator) bool) {
		for _, in := range ins {
			if !yield(in) {
				return
			}
		}
	}
}

// Filter returns the elements of in whose Type is in types.
func Filter(in iter.Seq[indicator.Indicator], types indicator.TypeSet) iter.Seq[indicator.Indicator] {
	return func(yield func(indicator.Indicator) bool) {
		for i := range in {
			if types.Has(i.Type) && !yield(i) {
				return
			}
		}
	}
}
