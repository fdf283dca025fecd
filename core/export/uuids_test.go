package export

import (
	"context"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
	_ "github.com/cratos-project/cratos/renderers/csv"
	_ "github.com/cratos-project/cratos/renderers/txt"
)

// A list rendered by txt, which reads no UUID, is made without them and
// kept apart from the list csv reads; the two hold the same indicators but
// for the UUIDs, among them the same one of each set of duplicates as new
// as each other, from a feed snapshot and from a search alike, and the
// artifact keys are keysFor's.
func TestListWithoutUUIDs(t *testing.T) {
	const org = "5f1c2a3b-0000-4000-8000-00000000c0de"
	sim, url := misptest.Start(t, mispsim.Options{Now: func() time.Time { return time.Unix(1_790_000_000, 0) }})
	attrs := []mispsim.Attribute{
		{Type: "ip-src", Value: "192.0.2.1", ToIDS: true},
		{Type: "ip-dst", Value: "192.0.2.1", ToIDS: true},
		{Type: "ip-dst|port", Value: "192.0.2.1|443", ToIDS: true},
		{Type: "ip-dst", Value: "192.0.2.2", ToIDS: true, Category: "External analysis"},
		{Type: "ip-dst", Value: "192.0.2.2", ToIDS: true},
		{Type: "ip-dst", Value: "192.0.2.3", ToIDS: true},
	}
	var first int64
	for _, info := range []string{"first", "second"} {
		ev := mispsim.Event{Info: info, Published: true, OrgName: "Sharing", OrgUUID: org,
			Tags: []string{"cratos:incident-classification=block"}, Attributes: attrs}
		id, err := sim.AddEvent(ev)
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 {
			first = id
		}
	}
	s := New(inMemory(Options{}, t.Name()))
	ctx := context.Background()
	for _, kind := range []Kind{KindFeed, KindOrg} {
		lists := map[string][]indicator.Indicator{}
		for _, out := range []string{"txt", "csv"} {
			r := anyFeedRequest(url, "ipv4", "10y", out, time.Hour)
			r.Feed = "block"
			if kind == KindOrg {
				r.Kind, r.Feed, r.Org = KindOrg, "", org
			}
			if _, err := s.Get(ctx, r); err != nil {
				t.Fatalf("%s %s: %v", kind, out, err)
			}
			k := s.listKeys(r)
			if k.artifact != s.keysFor(r).artifact {
				t.Fatalf("%s %s: artifact key %q, keysFor's %q", kind, out, k.artifact, s.keysFor(r).artifact)
			}
			if k.withoutUUIDs != (out == "txt") {
				t.Fatalf("%s %s: made without UUIDs: %v", kind, out, k.withoutUUIDs)
			}
			before := len(sim.Requests())
			snap, err := s.snapshot(ctx, r, k)
			if err != nil || len(sim.Requests()) != before {
				t.Fatalf("%s %s: the list was not kept (%v)", kind, out, err)
			}
			lists[out] = snap.Indicators.Slice()
		}
		bare, full := lists["txt"], lists["csv"]
		if len(full) != 3 || len(bare) != len(full) {
			t.Fatalf("%s: %d indicators without UUIDs and %d with, want 3", kind, len(bare), len(full))
		}
		for i, in := range full {
			if in.UUID == "" {
				t.Fatalf("%s: the csv list's %s has no UUID", kind, in.Value)
			}
			in.UUID = ""
			if bare[i] != in {
				t.Errorf("%s: indicator %d is %+v without UUIDs and %+v with", kind, i, bare[i], in)
			}
		}
		// Of the duplicates as new as each other, the first by MISP type,
		// then category, then event id is kept.
		if full[0].MISPType != "ip-dst" || full[1].Category != "External analysis" || full[0].EventID != first || full[2].EventID != first {
			t.Errorf("%s: kept %+v", kind, full)
		}
	}
}
