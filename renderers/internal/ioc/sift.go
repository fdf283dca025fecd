package ioc

import (
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// Sift passes each indicator of in to take, which keeps it and returns ""
// or returns the reason it is left out; the reasons are counted in d. It
// stops when o reports cancellation or a write error.
func Sift(o *renderers.Out, in iter.Seq[indicator.Indicator], d feedlist.Drops, take func(x indicator.Indicator) (reason string)) {
	for x := range in {
		if o.Next() != nil {
			break
		}
		if reason := take(x); reason != "" {
			d.Add(reason, 1)
		}
	}
}

// Once tells the first occurrence of a key from its repeats.
type Once map[string]struct{}

// Repeat reports whether key was seen before, and remembers it.
func (s Once) Repeat(key string) bool {
	if _, ok := s[key]; ok {
		return true
	}
	s[key] = struct{}{}
	return false
}
