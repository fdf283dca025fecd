package export

import (
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
)

// pairKeptOut finds, among a list's refused values, the other half of a
// composite attribute of src (the MISP sources of the value looked up)
// that kept the half the list takes, one of ins, out of it. A snapshot
// keeps that other half alone, under the attribute's UUID; the sources
// say which attribute gives the value.
func pairKeptOut(refused []indicator.Indicator, dt indicator.DataType, ins []indicator.Indicator, src []Source) (indicator.Indicator, bool) {
	for _, x := range refused {
		if !isComposite(x.MISPType) || x.UUID == "" {
			continue
		}
		for _, a := range src {
			if a.AttributeUUID == x.UUID && a.Type == x.MISPType && yields(dt, a.Type, a.Value, ins) {
				return x, true
			}
		}
	}
	return indicator.Indicator{}, false
}

// isComposite reports whether a MISP type has two halves, one of which
// a list may take.
func isComposite(mispType string) bool {
	return strings.Contains(mispType, "|") || mispType == "malware-sample"
}

// yields reports whether the MISP attribute gives one of ins in lists of
// data type dt.
func yields(dt indicator.DataType, mispType, value string, ins []indicator.Indicator) bool {
	for _, got := range indicator.NewExtractor(dt, 32).Add(nil, indicator.Attribute{Type: mispType, Value: value}) {
		if slices.ContainsFunc(ins, func(in indicator.Indicator) bool { return in.Type == got.Type && in.Value == got.Value }) {
			return true
		}
	}
	return false
}

// pairVerdict is the verdict on the half a list takes of other's
// attribute: the rule that keeps other out, and other named in its
// detail. ok is false when no rule keeps other out now.
func pairVerdict(p *guard.Policy, other indicator.Indicator) (guard.Verdict, bool) {
	v, ok := p.CheckPair(other)
	if ok {
		return guard.Verdict{}, false
	}
	v.Detail = "the other half of the " + other.MISPType + " attribute, " + other.Value + ": " + v.Detail
	return v, true
}
