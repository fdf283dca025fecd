package export

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// With more than one site configured, the MISP reads of a site whose MISP
// hangs (background rebuilds and requests alike) hold at most all build
// slots but one: another site's cold build, a list or a snapshot (a TAXII
// poll, a zone), reads its MISP at once rather than wait the build
// timeout. A single site, or a single slot, loses nothing.
func TestOneSiteLeavesABuildSlot(t *testing.T) {
	tests := []struct {
		name       string
		sites      int
		slots      int
		background bool // site A's builds are background rebuilds, else requests of tokens of their own
		snapshot   bool // site B asks a snapshot, else a list
		wantHeld   int  // of site A's reads, how many reach MISP
	}{
		{"background rebuilds, 4 slots", 2, 4, true, false, 3},
		{"background rebuilds, 2 slots, a snapshot", 3, 2, true, true, 1},
		{"requests, 4 slots", 2, 4, false, false, 3},
		{"requests, 3 slots, a snapshot", 2, 3, false, true, 2},
		{"a single site", 1, 4, true, false, 4},
		{"a single slot", 2, 1, true, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hung := newBlockingMISP(t)
			s := limitsService(Limits{MaxBuilds: tt.slots, Sites: func() int { return tt.sites }})
			waiting := make(chan string, tt.slots)
			s.limits.siteFull = func(site string) { waiting <- site }
			var wg sync.WaitGroup
			errs := make(chan error, tt.slots)
			for i := range tt.slots {
				r := limitsRequest(hung.URL, fmt.Sprintf("a-%d", i), "1d")
				r.Consumer = r.MISPKey
				ctx := context.Background()
				if tt.background {
					ctx = context.WithValue(ctx, backgroundKey{}, &background{})
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Get(ctx, r); err != nil {
						errs <- fmt.Errorf("site A's build of %s: %w", r.MISPKey, err)
					}
				}()
			}
			for range tt.wantHeld {
				hung.next(t, "site A's reads")
			}
			if tt.wantHeld < tt.slots {
				hung.wantShareFull(t, waiting, "127.0.0.1", "site A")
				wantSiteBReadsAtOnce(t, s, tt.snapshot)
			}
			hung.open()
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if got := len(hung.arrived); got != tt.slots-tt.wantHeld {
				t.Errorf("%d of site A's reads after the first %d, want %d", got, tt.wantHeld, tt.slots-tt.wantHeld)
			}
		})
	}
}

// wantSiteBReadsAtOnce fails t unless a cold build of site B, a list or
// with snapshot a snapshot, is read from its MISP within a minute.
func wantSiteBReadsAtOnce(t *testing.T, s *Service, snapshot bool) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(attrsJSON(3))) }))
	t.Cleanup(srv.Close)
	r := limitsRequest(srv.URL, "b", "1d")
	siteB := *r.Site
	siteB.Name = "b.example.net"
	r.Site = &siteB
	done := make(chan error, 1)
	go func() {
		if snapshot {
			snap, err := s.Snapshot(context.Background(), r)
			if err == nil && snap.Indicators.Len() != 3 {
				err = fmt.Errorf("%d indicators, want 3", snap.Indicators.Len())
			}
			done <- err
			return
		}
		res, err := s.Get(context.Background(), r)
		if err == nil && (res.Status != Miss || res.Entries != 3) {
			err = fmt.Errorf("%s with %d entries, want MISS with 3", res.Status, res.Entries)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("site B's cold build: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("site B's cold build read nothing within a minute: site A holds every build slot")
	}
}
