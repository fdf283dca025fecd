package export

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// With more than one site configured, the MISP reads of a site whose MISP
// hangs (background rebuilds and requests alike) leave a build slot free
// for each other site holding none (with more sites than slots, hold one):
// another site's cold build, a list or a snapshot (a TAXII poll, a zone),
// reads its MISP at once rather than wait the build timeout. A single
// site, or a single slot, loses nothing.
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
		{"requests, 3 sites, 4 slots", 3, 4, false, false, 2},
		{"background rebuilds, 5 sites, 4 slots", 5, 4, true, false, 1},
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
		t.Fatal("site B's cold build read nothing within a minute: the other sites hold every build slot")
	}
}

// With as many build slots as sites, two sites whose MISPs hang, each
// with many reads queued, still leave a slot to the third: the first
// holds two of four slots (two kept for the sites holding none), the
// second one (one kept for the third), and the third site's cold build
// reads its MISP at once.
func TestTwoHungSitesLeaveASlotForTheThird(t *testing.T) {
	hung := newBlockingMISP(t)
	s := limitsService(Limits{MaxBuilds: 4, Sites: func() int { return 3 }})
	waiting := make(chan string, 32)
	s.limits.siteFull = func(site string) { waiting <- site }
	gets := &concurrentGets{s: s, url: hung.URL}
	queue := func(site string) {
		for i := range 6 {
			key := fmt.Sprintf("%s/%d", site, i) // a token and a feed of its own
			gets.getAt(site, key, key)
		}
	}
	queue("hung-1.example.net")
	select {
	case got := <-waiting:
		if got != "hung-1.example.net" {
			t.Fatalf("a read of %s waits for a slot kept for other sites, want hung-1.example.net", got)
		}
	case <-time.After(time.Minute):
		t.Fatal("no read of hung-1.example.net waited for a slot kept for other sites within a minute")
	}
	queue("hung-2.example.net")
	arrived := map[string]int{}
	for arrived["hung-2.example.net"] == 0 {
		site, _, _ := strings.Cut(hung.next(t, "hung-2.example.net's first read"), "/")
		arrived[site]++
	}
	wantSiteBReadsAtOnce(t, s, false)
	for arrived["hung-1.example.net"] < 2 {
		site, _, _ := strings.Cut(hung.next(t, "hung-1.example.net's reads"), "/")
		arrived[site]++
	}
	if arrived["hung-1.example.net"] != 2 || arrived["hung-2.example.net"] != 1 || len(hung.arrived) != 0 {
		t.Errorf("the hung sites' reads reached MISP %v and %d more, want hung-1 2, hung-2 1", arrived, len(hung.arrived))
	}
	hung.open()
	gets.wait(t)
	if got := len(hung.arrived); got != 12-3 {
		t.Errorf("%d of the hung sites' reads after the first 3, want 9", got)
	}
}
