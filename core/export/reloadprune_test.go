package export

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// After a reload that changes a list's settings, the list served while
// MISP fails (STALE) or while the circuit breaker holds the rebuilt one is
// the one built under the former settings: serving it dates its record in
// state_dir, so a prune pass does not take it away from the devices that
// are given it. It removed it once state_max_age_days old, and after a
// restart the list was an error (MISP down), or the empty rebuild was
// accepted with nothing to compare it with.
func TestListServedUnderFormerSettingsIsNotPruned(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		name string
		// fail makes MISP fail the way the case needs.
		fail func(m *shrinkingMISP, gated *gatedMISP)
		url  func(m *shrinkingMISP, gated *gatedMISP) string
		// check tells whether res is the list good, served for the case.
		check func(res Result, good Result) bool
	}{
		{"stale, MISP down",
			func(_ *shrinkingMISP, g *gatedMISP) { g.fail.Store(true) },
			func(_ *shrinkingMISP, g *gatedMISP) string { return g.url },
			func(res, good Result) bool { return res.Status == Stale && res.ETag == good.ETag }},
		{"held, MISP empty",
			func(m *shrinkingMISP, _ *gatedMISP) { m.keep.Store(0) },
			func(m *shrinkingMISP, _ *gatedMISP) string { return m.url },
			func(res, good Result) bool { return res.Held != nil && res.ETag == good.ETag }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shrinking, gated := newShrinkingMISP(t), newGatedMISP(t)
			dir := t.TempDir()
			clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
			open := func() *Service {
				svc := New(inMemory(Options{State: openStateAt(t, dir), StateMaxAge: 30 * day, Now: clock.Now,
					Logger: slog.New(slog.DiscardHandler)}, "reload prune test"))
				t.Cleanup(svc.WaitDurable)
				return svc
			}
			req := anyFeedRequest(tc.url(shrinking, gated), "ipv4", "10y", "txt", 100*time.Second)
			svc := open()
			good, err := svc.Get(t.Context(), req)
			if err != nil || good.Entries < 100 {
				t.Fatalf("first build: %v, %d entries", err, good.Entries)
			}
			svc.WaitDurable()
			files, _ := filepath.Glob(filepath.Join(dir, "*-*"))
			for _, f := range files { // dated by the test's clock
				if err := os.Chtimes(f, clock.Now(), clock.Now()); err != nil {
					t.Fatal(err)
				}
			}

			site := *req.Site
			site.Renderers = map[string]map[string]string{"txt": {"line_ending": "crlf"}}
			req.Site = &site
			tc.fail(shrinking, gated)
			for d := 1; d <= 31; d++ { // a device pulls it every day
				clock.advance(day)
				res, err := svc.Get(t.Context(), req)
				if err != nil || !tc.check(res, good) {
					t.Fatalf("day %d: %s; want the list served before, ETag %s", d, described(res, err), good.ETag)
				}
				svc.WaitDurable()
			}
			svc.PruneDurable()

			svc = open() // a restart, MISP failing as before
			res, err := svc.Get(t.Context(), req)
			if err != nil || !tc.check(res, good) {
				t.Fatalf("after the prune pass and a restart: %s; want the list served before, ETag %s with %d entries",
					described(res, err), good.ETag, good.Entries)
			}
		})
	}
}

// described says what a Get returned.
func described(res Result, err error) string {
	if err != nil {
		return "error " + err.Error()
	}
	return fmt.Sprintf("status %s, held %v, ETag %s with %d entries", res.Status, res.Held != nil, res.ETag, res.Entries)
}
