package export

import (
	"context"
	"fmt"
	"sync"
)

// siteSlots is how the build slots (buildLimiter.slots) are held by the
// MISP reads of each site. With more than one site enabled, a site that
// holds a slot takes another only if, after it, the slots still free
// number at least the other enabled sites that hold none; a site that
// holds none takes any slot free. So while there are as many slots as
// sites, a site that holds none always finds one free, however many
// other sites' MISPs hang; with more sites than slots, each site reads
// one list at a time, and only as many hung sites as there are slots keep
// the others waiting.
type siteSlots struct {
	mu sync.Mutex
	// held has an entry per site holding a slot: it is bounded by them.
	held map[string]int
	// changed is closed, and replaced, when a slot is freed.
	changed chan struct{}
}

// sharedBySites reports whether the build slots are shared out among
// sites: more than one slot and more than one site enabled.
func (b *buildLimiter) sharedBySites() bool {
	return cap(b.slots) >= 2 && b.lim.Sites != nil && b.lim.Sites() >= 2
}

// keptFor returns how many free slots site may not take, under mu: none
// when it holds none, else one for each other enabled site holding none.
func (ss *siteSlots) keptFor(site string, sites int) int {
	if ss.held[site] == 0 {
		return 0
	}
	return max(0, sites-len(ss.held))
}

// takeSite takes a build slot for a MISP read of site under the rule of
// siteSlots, waiting at most until ctx ends. The sites enabled are counted
// again at each slot freed: a reload may have added or removed some.
func (b *buildLimiter) takeSite(ctx context.Context, site string) (func(), error) {
	ss := &b.sites
	total := cap(b.slots)
	var done func()
	defer func() {
		if done != nil {
			done()
		}
	}()
	for {
		sites := b.lim.Sites()
		ss.mu.Lock()
		kept := ss.keptFor(site, sites)
		if total-len(b.slots) > kept {
			select {
			case b.slots <- struct{}{}:
				ss.held[site]++
				ss.mu.Unlock()
				return func() { b.freeSlot(site, true) }, nil
			default: // taken meanwhile by a read not counted by site
			}
		}
		changed := ss.changed
		ss.mu.Unlock()
		detail := fmt.Sprintf("no build slot free (max_concurrent_builds %d)", total)
		if kept > 0 {
			detail = fmt.Sprintf("no build slot free for this site (%d of max_concurrent_builds %d kept for other sites)", kept, total)
		}
		if done == nil {
			if kept > 0 && b.siteFull != nil {
				b.siteFull(site)
			}
			done = waitingForSlot(ctx, site, detail)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, &SlotError{Site: site, Detail: detail, cause: ctx.Err()}
		}
	}
}

// freeSlot frees a build slot, counted as site's when counted, and wakes
// the reads waiting under the rule of siteSlots.
func (b *buildLimiter) freeSlot(site string, counted bool) {
	ss := &b.sites
	ss.mu.Lock()
	defer ss.mu.Unlock()
	<-b.slots
	if counted {
		if ss.held[site]--; ss.held[site] <= 0 {
			delete(ss.held, site)
		}
	}
	close(ss.changed)
	ss.changed = make(chan struct{})
}
