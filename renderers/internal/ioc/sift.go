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

// Record is one indicator as an import file lists it: the file's type
// and value for it, and the indicator.
type Record struct {
	Type, Value string
	X           indicator.Indicator
}

// SiftRecords sifts in (Sift) through classify, which returns the Record
// of an indicator or the reason it is left out. A record of a type unique
// accepts whose type and value an earlier record had is left out as dup:
// a domain and a hostname may share one value. keep, when not nil, keeps
// the other records; without it they go to emit as they come.
func SiftRecords(o *renderers.Out, in iter.Seq[indicator.Indicator], d feedlist.Drops, classify func(x indicator.Indicator) (Record, string), unique func(typ string) bool, dup string, keep *Keeper[Record], emit func(Record)) {
	seen := Once{}
	Sift(o, in, d, func(x indicator.Indicator) string {
		r, reason := classify(x)
		switch {
		case reason != "":
			return reason
		case unique(r.Type) && seen.Repeat(r.Type+"\x00"+r.Value):
			return dup
		case keep != nil:
			keep.Add(r, x.Timestamp)
		default:
			emit(r)
		}
		return ""
	})
}

// Emit counts the items k left out under reason in d and passes the kept
// ones to emit, in the order they were offered, stopping when o reports
// cancellation or a write error.
func (k *Keeper[T]) Emit(o *renderers.Out, d feedlist.Drops, reason string, emit func(T)) {
	d.Add(reason, k.Dropped())
	for _, x := range k.Items() {
		if o.Next() != nil {
			break
		}
		emit(x)
	}
}
