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

// Record is one indicator as an import file lists it: the file's type
// and value for it, and the indicator.
type Record struct {
	Type, Value string
	X           indicator.Indicator
}

// SiftRecords sifts in (Sift) through classify, which returns the Record
// of an indicator or the reason it is left out. Records of a type unique
// accepts with the same type and value are one record (a domain and a
// hostname may share one value), the others left out as dup: without
// keep the first goes to emit, with keep the newest is kept, so that a
// cap weighs the record by its newest timestamp. keep, when not nil,
// keeps the other records too; without it they go to emit as they come.
func SiftRecords(o *renderers.Out, in iter.Seq[indicator.Indicator], d feedlist.Drops, classify func(x indicator.Indicator) (Record, string), unique func(typ string) bool, dup string, keep *Keeper[Record], emit func(Record)) {
	seen := map[string]tracked{}
	Sift(o, in, d, func(x indicator.Indicator) string {
		r, reason := classify(x)
		switch {
		case reason != "":
			return reason
		case !unique(r.Type) && keep != nil:
			keep.Add(r, x.Timestamp)
			return ""
		case !unique(r.Type):
			emit(r)
			return ""
		}
		key := r.Type + "\x00" + r.Value
		first, repeat := seen[key]
		switch {
		case repeat && (keep == nil || x.Timestamp <= first.ts):
			return dup
		case keep == nil:
			emit(r)
		case repeat:
			first = tracked{keep.Replace(first.id, r, x.Timestamp), x.Timestamp}
			reason = dup // the older record
		default:
			first = tracked{keep.Track(r, x.Timestamp), x.Timestamp}
		}
		seen[key] = first
		return reason
	})
}

// tracked is the record SiftRecords keeps for a value: its Keeper id
// and timestamp.
type tracked struct {
	id int
	ts int64
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
