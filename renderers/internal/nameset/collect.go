package nameset

import (
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// Collect adds the names among in to a Set, reporting refusals under
// prefix; an indicator that is not a name is dropped as notName. It stops
// early when o fails or its context ends: check o.Err() after it.
func Collect(o *renderers.Out, in iter.Seq[indicator.Indicator], d feedlist.Drops, prefix, notName string) *Set {
	var set Set
	for x := range in {
		if o.Next() != nil {
			break
		}
		if x.Type.IsName() {
			set.Add(x.Value, d, prefix)
		} else {
			d.Add(notName, 1)
		}
	}
	return &set
}
