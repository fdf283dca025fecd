package export

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A list build that waited for another data type's read of its feed (one
// read of a feed at a time) takes that read's MISP failure: it asked
// MISP again once the read failed, so the data types of a feed asked at
// once after a restart, with MISP hanging, each waited for a MISP timeout
// in turn, the last device for one per data type before its last good
// list was served. A read given up by its devices says nothing of MISP:
// the build waiting for it reads the feed itself.
func TestBuildWaitingForAFailedFeedReadTakesItsError(t *testing.T) {
	for _, tc := range []struct {
		name         string
		leave        bool // the first read's devices leave instead
		wantSearches int32
	}{
		{name: "MISP failed", wantSearches: 1},
		{name: "the first read given up", leave: true, wantSearches: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newFailingMISP(t)
			s := limitsService(Limits{})
			first := limitsRequest(m.URL, "k", "10y")
			second := first
			second.DataType, _ = indicator.LookupDataType("domain")

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			firstDone := make(chan error, 1)
			go func() { _, err := s.Get(ctx, first); firstDone <- err }()
			testtool.WaitFor(t, "the first read to reach MISP", time.Minute, func() bool { return m.searches.Load() == 1 })
			secondDone := make(chan error, 1)
			go func() { _, err := s.Get(context.Background(), second); secondDone <- err }()
			st, _ := s.feeds.m.Get(s.feedKey(first))
			testtool.WaitFor(t, "the second build to wait for the feed", time.Minute, func() bool { return st.mu.waiting.Load() == 1 })

			if tc.leave {
				cancel()
				testtool.WaitFor(t, "the second build's own read", time.Minute, func() bool { return m.searches.Load() == 2 })
			}
			m.open()
			var me *misp.Error
			if err := <-firstDone; !tc.leave && (!errors.As(err, &me) || me.Status != http.StatusBadGateway) {
				t.Fatalf("the first build: %v, want MISP's 502", err)
			}
			select {
			case err := <-secondDone:
				if !errors.As(err, &me) || me.Status != http.StatusBadGateway {
					t.Fatalf("the second build: %v, want MISP's 502", err)
				}
			case <-time.After(time.Minute):
				t.Fatal("the second build still waited a minute after MISP failed")
			}
			if n := m.searches.Load(); n != tc.wantSearches {
				t.Fatalf("%d searches, want %d", n, tc.wantSearches)
			}
		})
	}
}
