package export

import (
	"context"
	"fmt"
	"sync"
)

// share is one consumer's part of a set of slots: all of them but one,
// so that one consumer's work never keeps every other one's waiting.
type share struct {
	slots chan struct{}
	users int // holding or waiting for a slot of it
}

// shareSet has an entry per consumer holding or waiting for its share of
// a set of slots: it is bounded by them.
type shareSet struct {
	mu sync.Mutex
	m  map[string]*share
}

// takeShare takes one of the build slots of r's consumer, waiting at most
// until ctx ends; it is taken before the shared slot (acquire). A
// background rebuild (the service's own work), a request without a
// consumer, and any build when there is a single slot take none; nor does
// a build that a request of another consumer waits for, or stops waiting
// for the share once one joins it: that consumer's list is not made to
// wait behind r's consumer's other builds.
func (b *buildLimiter) takeShare(ctx context.Context, r Request) (func(), error) {
	return b.shares.take(ctx, r, cap(b.slots), b.shareFull, "build slot", "max_concurrent_builds")
}

// take is takeShare for a set of total slots; full, when set, is told of
// a wait; what and limit name the slots in the error.
func (set *shareSet) take(ctx context.Context, r Request, total int, full func(string), what, limit string) (func(), error) {
	per := total - 1
	if per < 1 || r.Consumer == "" || IsBackground(ctx) {
		return func() {}, nil
	}
	joined := joinedByOthers(ctx)
	select {
	case <-joined:
		return func() {}, nil
	default:
	}
	detail := fmt.Sprintf("no %s free for this token (%d of %s %d)", what, per, limit, total)
	return set.wait(ctx, r.Consumer, per, joined, full, r.Site.Name, detail)
}

// wait takes one of the per slots of key's share, waiting at most until
// ctx ends or stop is closed (then nothing is held); full, when set, is
// told of a wait. site and detail name the wait in its error.
func (set *shareSet) wait(ctx context.Context, key string, per int, stop <-chan struct{}, full func(string), site, detail string) (func(), error) {
	set.mu.Lock()
	sh := set.m[key]
	if sh == nil {
		sh = &share{slots: make(chan struct{}, per)}
		set.m[key] = sh
	}
	sh.users++
	set.mu.Unlock()
	leave := func() {
		set.mu.Lock()
		defer set.mu.Unlock()
		if sh.users--; sh.users == 0 {
			delete(set.m, key)
		}
	}
	select {
	case sh.slots <- struct{}{}:
		return func() { <-sh.slots; leave() }, nil
	default:
	}
	if full != nil {
		full(key)
	}
	defer waitingForSlot(ctx, site, detail)()
	select {
	case sh.slots <- struct{}{}:
		return func() { <-sh.slots; leave() }, nil
	case <-stop:
		leave()
		return func() {}, nil
	case <-ctx.Done():
		leave()
		return nil, &SlotError{Site: site, Detail: detail, cause: ctx.Err()}
	}
}
