package export

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// A read waiting for a build slot when a reload removes a site counts the
// sites enabled when a slot is freed, not when it began waiting: with 4
// slots and 3 sites, site A's reads hold 2 and the third waits (2 kept for
// the others); after a reload leaves 2 sites, a slot freed by site B lets
// it take one of the 2 free, with 1 kept for B. It waited for a slot of
// its own to be freed, while slots stood free for a site no longer there.
func TestSiteSlotWaitCountsTheSitesOfAReload(t *testing.T) {
	var sites atomic.Int32
	sites.Store(3)
	b := newBuildLimiter(Limits{MaxBuilds: 4, Sites: func() int { return int(sites.Load()) }})
	waiting := make(chan string, 1)
	b.siteFull = func(site string) { waiting <- site }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 2 {
		release, err := b.acquire(ctx, "a.example.net")
		if err != nil {
			t.Fatalf("site A's read %d: %v", i+1, err)
		}
		defer release()
	}
	third := make(chan error, 1)
	go func() {
		release, err := b.acquire(ctx, "a.example.net")
		if err == nil {
			release()
		}
		third <- err
	}()
	if got := <-waiting; got != "a.example.net" {
		t.Fatalf("%s waits for a slot kept for other sites, want a.example.net", got)
	}
	sites.Store(2)
	release, err := b.acquire(ctx, "b.example.net")
	if err != nil {
		t.Fatalf("site B's read: %v", err)
	}
	release()
	if err := <-third; err != nil {
		t.Fatalf("site A's third read, 2 of 4 slots free and 2 sites enabled: %v", err)
	}
}
