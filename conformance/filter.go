package conformance

import (
	"slices"

	"github.com/cratos-project/cratos/core/indicator"
)

// OfTypes returns a copy of ins holding, in order, the indicators whose
// type is one of types; ins is left unchanged.
func OfTypes(ins []indicator.Indicator, types ...indicator.Type) []indicator.Indicator {
	set := indicator.SetOf(types...)
	return slices.DeleteFunc(slices.Clone(ins), func(in indicator.Indicator) bool { return !set.Has(in.Type) })
}
