package export

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// extractionFeed returns a feed snapshot of 300 events of addresses,
// names and nets, some of them invalid and some of them the same.
func extractionFeed(t *testing.T) *feedsnap.Snapshot {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	var attrs []indicator.Attribute
	types := []string{"ip-src", "ip-dst", "ip-dst|port", "domain", "domain|ip", "url"}
	for ev := int64(1); ev <= 300; ev++ {
		for i := range rng.IntN(60) {
			v := fmt.Sprintf("198.%d.%d.%d", rng.IntN(4), rng.IntN(256), rng.IntN(256))
			switch rng.IntN(20) {
			case 0:
				v = "not an address"
			case 1:
				v = fmt.Sprintf("10.%d.%d.0/%d", rng.IntN(256), rng.IntN(256), 22+rng.IntN(10))
			case 2:
				v += "|443"
			}
			attrs = append(attrs, indicator.Attribute{
				Type: types[rng.IntN(len(types))], Value: v, Category: "Network activity",
				UUID:    fmt.Sprintf("%08x-0000-4000-8000-%012x", ev, i),
				EventID: ev, Timestamp: 1_700_000_000 + rng.Int64N(1000), ToIDS: rng.IntN(3) > 0,
			})
		}
	}
	search := func(_ context.Context, _ misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		sink := newSink()
		for _, a := range attrs {
			sink(a)
		}
		return len(attrs), nil
	}
	feed, _, err := feedsnap.Full(context.Background(), feedsnap.Source{Search: search}, misp.Query{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return feed
}

// Extracting a feed's portions at the same time gives the indicators and
// counts that one extractor gives attribute by attribute, in the same
// order, whether or not a part outgrows its place (nets expanded into
// addresses) and however many attributes are invalid or not selected.
func TestExtractPortionsAsOneExtractor(t *testing.T) {
	feed := extractionFeed(t)
	for _, name := range []string{"ipv4", "ipv4ext", "cidr4", "domain"} {
		dt, _ := indicator.LookupDataType(name)
		for _, sel := range []feedsnap.Selection{
			{Types: dt.MISPTypes},
			{Types: dt.MISPTypes, ToIDS: true, Since: 1_700_000_500},
		} {
			for _, limit := range []int{0, -1, 24} {
				x := indicator.NewExtractor(dt, limit)
				var want []indicator.Indicator
				feed.Select(sel, func(a indicator.Attribute) { want = x.Add(want, a.Own()) })
				for _, workers := range []int{1, 2, 3, 8} {
					got, st := extractPortions(feed, sel, dt, limit, workers, nil)
					if !slices.Equal(got, want) || st != x.Stats() {
						t.Fatalf("%s %+v limit %d, %d workers: %d indicators %+v, one extractor %d %+v",
							name, sel, limit, workers, len(got), st, len(want), x.Stats())
					}
				}
			}
		}
	}
}

// A list made without UUIDs from a draft (extractDraft) holds what the
// same list made through an array of indicators holds, and the counts are
// the same, for one worker or several.
func TestExtractDraftAsPortions(t *testing.T) {
	feed := extractionFeed(t)
	for _, name := range []string{"ipv4", "cidr4", "domain", "hostname", "url"} {
		dt, _ := indicator.LookupDataType(name)
		for _, sel := range []feedsnap.Selection{
			{Types: dt.MISPTypes, WithoutUUIDs: true},
			{Types: dt.MISPTypes, ToIDS: true, Since: 1_700_000_500, WithoutUUIDs: true},
			{Types: dt.MISPTypes},
			{Types: dt.MISPTypes, ToIDS: true, Since: 1_700_000_500},
		} {
			ins, wantStats := extractPortions(feed, sel, dt, 0, 1, nil)
			want, err := indicator.NewList(indicator.Normalize(ins))
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 2, 3, 8} {
				draft, st := extractDraft(feed, sel, dt, 0, workers, nil)
				got, err := draft.List(nil)
				if err != nil || st != wantStats || !slices.Equal(got.Slice(), want.Slice()) {
					t.Fatalf("%s %+v, %d workers: %d indicators %+v (%v), through an array %d %+v",
						name, sel, workers, got.Len(), st, err, want.Len(), wantStats)
				}
			}
		}
	}
}
