// Package ioc holds what the indicator-import renderers (checkpoint,
// defender, f5, junos, elastic) share: CSV fields (quoting, spreadsheet
// safety), one-line text checks (HasControl serves stix21 and zeek too),
// stable record names, the newest-first entry caps (Newest over a slice,
// which ipset uses too, Keeper over a stream) and the address lists of f5
// and junos.
package ioc

import (
	"cmp"
	"slices"

	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// SpreadsheetSafe prefixes ' to a field a spreadsheet would run as a
// formula: one starting with = + - @, a tab or a CR (the rule of the csv
// renderer's excel_safe option).
func SpreadsheetSafe(f string) string {
	if f != "" {
		switch f[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + f
		}
	}
	return f
}

// FormulaLead reports whether f starts with a character SpreadsheetSafe
// neutralises.
func FormulaLead(f string) bool { return SpreadsheetSafe(f) != f }

// Newest returns xs cut to its max entries with the newest timestamps
// (ts), in their original order; ties keep the earlier entry. It returns
// the number left out. max ≤ 0 means no cap.
func Newest[T any](xs []T, max int, ts func(T) int64) ([]T, int) {
	if max <= 0 || len(xs) <= max {
		return xs, 0
	}
	idx := feedlist.NewestFirst(len(xs), func(i int) int64 { return ts(xs[i]) })[:max]
	slices.Sort(idx)
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out, len(xs) - max
}

// sortBySeq sorts kept items by the order they were offered.
func sortBySeq[T any](its []kept[T]) {
	slices.SortFunc(its, func(a, b kept[T]) int { return cmp.Compare(a.seq, b.seq) })
}
