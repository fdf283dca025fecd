package export

import (
	"runtime"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/hugepage"
	"github.com/cratos-project/cratos/internal/workgroup"
)

// extractFeed selects r's attributes from feed and canonicalises them as
// fetch does those of a search. A list whose nets are not expanded
// afterwards (every data type but ipv4ext) is extracted as a draft
// (extractDraft).
func (s *Service) extractFeed(r Request, feed *feedsnap.Snapshot, sel feedsnap.Selection, pg *pairGuard) (*Snapshot, error) {
	workers := 1
	if feed.Attributes >= extractPortionMin {
		workers = listWorkers
	}
	fetched := feed.Read.UTC().Truncate(time.Second)
	if !expandsLater(r) {
		draft, st := extractDraft(feed, sel, r.DataType, extractLimit(r), workers, pg)
		large := draft.Len() >= s.collect.at
		list, err := draft.List(func() {
			if large {
				s.collect.run()
			}
		})
		if large {
			s.collect.run() // the draft is garbage now
		}
		if err != nil {
			return nil, err
		}
		return &Snapshot{Fetched: fetched, Indicators: list, Stats: st, Refused: pg.kept()}, nil
	}
	ins, st := extractPortions(feed, sel, r.DataType, extractLimit(r), workers, pg)
	list, refused, err := s.finishExtract(r, ins, &st)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Fetched: fetched, Indicators: list, Stats: st, Refused: append(refused, pg.kept()...)}, nil
}

// listWorkers is how many goroutines share a large list's work: its
// extraction, each from its own portion of the feed snapshot (a feed of
// fewer than extractPortionMin attributes is extracted by one), and its
// guard verdicts (guarded).
var listWorkers = min(runtime.GOMAXPROCS(0), 8)

const extractPortionMin = 50_000

// extractPortions selects sel's attributes from feed and extracts their
// indicators of data type dt, in Select's order. The snapshot is cut into
// up to workers portions, extracted at the same time, each into its own
// place in one array sized by the portions' counts: most attributes give
// one indicator, so the list is neither copied as it grows (which for a
// million indicators took a second and held two arrays at once) nor put
// together from pieces. The values stay in the snapshot's text
// (Extractor.AddInPlace) until the list is made (finishExtract).
func extractPortions(feed *feedsnap.Snapshot, sel feedsnap.Selection, dt indicator.DataType, expandLimit, workers int, pg *pairGuard) ([]indicator.Indicator, indicator.Stats) {
	portions, counts := countPortions(feed, sel, workers)
	total := 0
	for _, n := range counts {
		total += n
	}
	ins := make([]indicator.Indicator, total)
	hugepage.Back(ins)
	// Each part appends within its place; one that outgrows it (a net
	// expanded into addresses) moves to an array of its own.
	parts := make([][]indicator.Indicator, len(portions))
	at := 0
	for k, n := range counts {
		parts[k] = ins[at : at : at+n]
		at += n
	}
	st := extractEach(portions, sel, dt, expandLimit, pg, func(k int, x *indicator.Extractor, a indicator.Attribute) {
		parts[k] = x.AddInPlace(parts[k], a)
	})
	return joinExtracted(ins, parts, counts), st
}

// extractDraft is extractPortions into a draft (indicator.Drafting): 32
// bytes an indicator rather than 88 while the list is sorted, 48 when the
// list keeps UUIDs (sel.WithoutUUIDs unset).
func extractDraft(feed *feedsnap.Snapshot, sel feedsnap.Selection, dt indicator.DataType, expandLimit, workers int, pg *pairGuard) (*indicator.Draft, indicator.Stats) {
	portions, counts := countPortions(feed, sel, workers)
	d := indicator.NewDrafting(counts, !sel.WithoutUUIDs)
	scratch := make([][]indicator.Indicator, len(portions))
	st := extractEach(portions, sel, dt, expandLimit, pg, func(k int, x *indicator.Extractor, a indicator.Attribute) {
		scratch[k] = x.AddInPlace(scratch[k][:0], a)
		for _, in := range scratch[k] {
			d.Part(k).Add(in)
		}
	})
	return d.Draft(), st
}

// countPortions cuts feed into up to workers portions and counts sel's
// attributes in each, the portions at the same time: counted one after
// another, a large feed's count kept the other cores idle after its read.
func countPortions(feed *feedsnap.Snapshot, sel feedsnap.Selection, workers int) ([]feedsnap.Portion, []int) {
	portions := feed.Portions(workers)
	counts := make([]int, len(portions))
	if len(portions) == 1 {
		counts[0] = portions[0].Count(sel)
		return portions, counts
	}
	var wg workgroup.Group
	for k, p := range portions {
		wg.Go(func() { counts[k] = p.Count(sel) })
	}
	wg.Wait()
	return portions, counts
}

// extractEach gives add each of sel's attributes of portion k with an
// extractor of data type dt kept for that portion (with pg's pair check
// when pg is not nil), the portions at the same time, and returns the
// extractors' counts together.
func extractEach(portions []feedsnap.Portion, sel feedsnap.Selection, dt indicator.DataType, expandLimit int, pg *pairGuard,
	add func(k int, x *indicator.Extractor, a indicator.Attribute)) indicator.Stats {
	stats := make([]indicator.Stats, len(portions))
	var wg workgroup.Group
	for k, p := range portions {
		wg.Go(func() {
			x := indicator.NewExtractor(dt, expandLimit)
			pg.attach(x)
			p.Select(sel, func(a indicator.Attribute) { add(k, x, a) })
			stats[k] = x.Stats()
		})
	}
	wg.Wait()
	var st indicator.Stats
	for _, one := range stats {
		st.Add(one)
	}
	return st
}

// joinExtracted puts the parts extracted into ins together, in order: a part
// still in its place is moved down to follow the previous one; when any
// part outgrew its place, they are all appended to a new array.
func joinExtracted(ins []indicator.Indicator, parts [][]indicator.Indicator, counts []int) []indicator.Indicator {
	for k, part := range parts {
		if len(part) > counts[k] {
			n := 0
			for _, part := range parts {
				n += len(part)
			}
			out := make([]indicator.Indicator, 0, n)
			for _, part := range parts {
				out = append(out, part...)
			}
			return out
		}
	}
	n := 0
	for _, part := range parts {
		n += copy(ins[n:], part) // within ins, never forward past a later part
	}
	clear(ins[n:]) // no string stays reachable from the unused end
	return ins[:n]
}
