package export

import (
	"slices"
	"strings"
	"sync"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
)

// viewPairs are the indicators of a FeedView that the pair check of its
// rules keeps out of the feed's lists, found once, when first asked: only
// a TAXII refresh held after a change of the guard's settings asks.
type viewPairs struct {
	once sync.Once
	find func() map[pairValue]struct{}
	out  map[pairValue]struct{}
}

// pairValue is an indicator by kind and value.
type pairValue struct {
	typ   indicator.Type
	value string
}

// keptOut reports whether in is one of p's indicators; p may be nil.
func (p *viewPairs) keptOut(in indicator.Indicator) bool {
	if p == nil {
		return false
	}
	p.once.Do(func() { p.out, p.find = p.find(), nil })
	_, ok := p.out[pairValue{in.Type, in.Value}]
	return ok
}

// pairsKeptOut returns the indicators that reqs (a view's requests, one
// per data type) take only from composite attributes whose other half p
// keeps out (pairGuard), in the MISP answers of their feed this process
// keeps: the last one and the one it replaced, the answer a held list
// shows under the current settings (heldContent). An indicator another
// attribute of those answers gives is not one: the lists carry it.
func (s *Service) pairsKeptOut(reqs []Request, p *guard.Policy) map[pairValue]struct{} {
	type pass struct {
		r    Request
		feed *feedsnap.Snapshot
		sel  feedsnap.Selection
	}
	var passes []pass
	for _, r := range reqs {
		if r.Kind == KindOrg || !slices.ContainsFunc(r.DataType.MISPTypes, isComposite) ||
			!feedsnap.Selectable(r.DataType.MISPTypes) || !feedsnap.Covers(feedTypes, r.DataType.MISPTypes) {
			continue
		}
		st, ok := s.feeds.m.Get(s.feedKey(r))
		since, err := Since(r.Age, s.opts.Now())
		if !ok || err != nil {
			continue
		}
		sel := feedsnap.Selection{Types: r.DataType.MISPTypes, ToIDS: !ignoresToIDS(r.Site, r.DataType), Since: since.Unix(), WithoutUUIDs: true}
		for _, feed := range []*feedsnap.Snapshot{st.last.Load(), st.prev.Load()} {
			if feed != nil {
				passes = append(passes, pass{r, feed, sel})
			}
		}
	}
	// each gives fn every indicator of pr, and whether the pair check
	// keeps it out.
	each := func(pr pass, fn func(in indicator.Indicator, kept bool)) {
		x := indicator.NewExtractor(pr.r.DataType, extractLimit(pr.r))
		kept := false
		x.CheckPairs(func(other indicator.Indicator) bool {
			_, ok := p.CheckPair(other)
			kept = kept || !ok
			return false
		})
		var got []indicator.Indicator
		pr.feed.Select(pr.sel, func(a indicator.Attribute) {
			kept = false
			got = x.Add(got[:0], a)
			for _, in := range got {
				fn(in, kept)
			}
		})
	}
	out := map[pairValue]struct{}{}
	for _, pr := range passes {
		each(pr, func(in indicator.Indicator, kept bool) {
			if kept {
				out[pairValue{in.Type, strings.Clone(in.Value)}] = struct{}{}
			}
		})
	}
	if len(out) == 0 {
		return nil
	}
	for _, pr := range passes {
		each(pr, func(in indicator.Indicator, kept bool) {
			if !kept {
				delete(out, pairValue{in.Type, in.Value})
			}
		})
	}
	return out
}
