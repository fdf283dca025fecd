package export

import (
	"log/slog"
	"slices"
	"testing"
	"time"
)

// A reload that adds to never_block the networks of entries the list
// blocks, while MISP answers a tenth of the list in the same rebuild: the
// rebuilt list is held, as MISP's answer shrank, but what is served is
// the former list's content under the new never_block, not the former
// list, which still blocks what the operator now protects. A release
// serves the rebuilt list.
func TestHoldAfterGuardChangeServesFormerContentUnderNewGuard(t *testing.T) {
	g := newShrinkRig(t, "held under new guard test")
	good := g.get("first build")
	values := listValues(good.Body)
	if len(values) < 200 {
		t.Fatalf("first build: %d values", len(values))
	}
	protected := values[:20]
	kept := values[20:]
	site := *g.req.Site
	site.Guard.NeverBlock.CIDRs = protected
	g.req.Site = &site

	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)
	for _, step := range []string{"build after the reload", "build while held"} {
		res := g.get(step)
		if res.Held == nil {
			t.Fatalf("%s: not held; MISP answered 30 attributes of %d", step, good.Entries)
		}
		if got := listValues(res.Body); !slices.Equal(got, kept) {
			t.Fatalf("%s: served %d values, want the %d former ones never_block leaves (first served %v)",
				step, len(got), len(kept), got[:min(3, len(got))])
		}
		// If-None-Match or If-Modified-Since with the former list's
		// validators must not keep it on a device.
		if res.ETag == good.ETag || res.ETag != ETagOf(res.Body) || !res.Generated.After(good.Generated) {
			t.Fatalf("%s: ETag %s, Last-Modified %s for other bytes than the former list's %s, %s",
				step, res.ETag, res.Generated, good.ETag, good.Generated)
		}
		if res.Entries != len(kept) {
			t.Fatalf("%s: %d entries, want %d", step, res.Entries, len(kept))
		}
		g.clock.advance(200 * time.Second)
	}
	// /v1/holds counts what is served, and what devices held before.
	if h := g.svc.Holds(""); len(h) != 1 || h[0].Previous != len(kept) || h[0].FormerEntries != good.Entries || h[0].Current > 30 {
		t.Fatalf("holds: %+v; want previous_entries %d (served), former_entries %d", h, len(kept), good.Entries)
	}

	held := g.svc.Holds("")[0]
	if _, err := g.svc.Release(t.Context(), site.Name, held.ID); err != nil {
		t.Fatal(err)
	}
	res := g.get("build after the release")
	if res.Held != nil || res.Entries != held.Current {
		t.Fatalf("after the release: held %v, %d entries, want the rebuilt list of %d", res.Held, res.Entries, held.Current)
	}
	for _, v := range listValues(res.Body) {
		if slices.Contains(protected, v) {
			t.Fatalf("never_block value %s served after the release", v)
		}
	}
}

// When the MISP answer the former list was made from is no longer held
// (the feed read again since, or no room for it beside the feed's last
// answer), the hold serves the former list as before, and says that it
// predates the change of the list's settings.
func TestHoldAfterGuardChangeWithoutFormerAnswer(t *testing.T) {
	for _, tc := range []struct {
		name      string
		feedBytes int64
		readAgain bool
	}{
		{"feed read again since", 0, true},
		{"no room for the former answer", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newShrinkRig(t, "held under former guard test")
			if tc.feedBytes > 0 {
				g.svc = New(inMemory(Options{Now: g.clock.Now, Logger: slog.New(slog.DiscardHandler), FeedBytes: tc.feedBytes}, t.Name()))
			}
			good := g.get("first build")
			values := listValues(good.Body)
			site := *g.req.Site
			site.Guard.NeverBlock.CIDRs = values[:20]
			g.req.Site = &site

			g.m.keep.Store(30)
			other := g.req
			other.Output = "csv"
			for i := range 2 {
				if !tc.readAgain && i > 0 {
					break
				}
				g.clock.advance(48 * time.Hour)
				if _, err := g.svc.Get(t.Context(), other); err != nil {
					t.Fatal(err)
				}
			}
			res := g.get("build after the reload")
			if res.Held == nil || !res.Held.FormerSettings || res.ETag != good.ETag {
				t.Fatalf("held %+v, ETag %s; want the former list %s held back, marked as such", res.Held, res.ETag, good.ETag)
			}
			if h := g.svc.Holds(""); len(h) != 1 || !h[0].FormerSettings {
				t.Fatalf("holds: %+v", h)
			}
		})
	}
}

// The answer a feed's read replaced is kept only when the new one is
// smaller: an answer that did not shrink can have no list held by what
// MISP gave, and keeping the former one would hold a second copy of the
// feed for nothing.
func TestFormerAnswerKeptOnlyWhenShrunk(t *testing.T) {
	g := newShrinkRig(t, "former answer kept test")
	g.get("first build")
	former := func() bool {
		st, ok := g.svc.feeds.m.Get(g.svc.feedKey(g.req))
		if !ok {
			t.Fatal("no feed snapshot")
		}
		return st.prev.Load() != nil
	}
	for _, step := range []struct {
		name string
		keep int64
		want bool
	}{
		{"read again, the same answer", -1, false},
		{"read again, a tenth of it", 30, true},
		{"read again, the same smaller answer", 30, false},
	} {
		g.m.keep.Store(step.keep)
		g.clock.advance(48 * time.Hour)
		g.get(step.name)
		if got := former(); got != step.want {
			t.Fatalf("%s: former answer kept %v, want %v", step.name, got, step.want)
		}
	}
}
