package export

import (
	"context"
	"fmt"
	"runtime"
)

// renderSlotFrom is the length of a list from which its render takes a
// render slot: shorter lists render in a few milliseconds.
const renderSlotFrom = 10_000

// renderSlots bound the renders of large lists at once, process wide, to
// max_concurrent_builds and the cores Go runs on: a render of indicators
// already read takes no build slot (it reads no MISP), and without a bound
// many tokens each asking another output of a large cached list would
// render on every core at once, the cache hits and builds of every device
// waiting for the CPU. One consumer's renders hold at most all of them but
// one, as with build slots; a site's take no share of their site, as its
// MISP reads do: a render waits for no MISP, and ends within its timeout.
type renderSlots struct {
	slots  chan struct{}
	shares shareSet
	// from is the length of a list from which a render takes a slot
	// (renderSlotFrom); full, in tests, is told of a render waiting for a
	// slot or its consumer's share.
	from int
	full func(consumer string)
}

func newRenderSlots(maxBuilds int) renderSlots {
	n := max(1, min(maxBuilds, runtime.GOMAXPROCS(0)))
	return renderSlots{slots: make(chan struct{}, n), shares: shareSet{m: map[string]*share{}}, from: renderSlotFrom}
}

// take takes a render slot for r's list of entries indicators, waiting
// at most until ctx ends (the build's deadline), first for one of its
// consumer's share. A list shorter than rs.from takes none. It is called
// while no build slot is held (a build's MISP read has released its own
// before the render), so the two never wait for each other.
func (rs *renderSlots) take(ctx context.Context, r Request, entries int) (func(), error) {
	if entries < rs.from {
		return func() {}, nil
	}
	leave, err := rs.shares.take(ctx, r, cap(rs.slots), rs.full, "render slot", "renders at once")
	if err != nil {
		return nil, err
	}
	select {
	case rs.slots <- struct{}{}:
		return func() { <-rs.slots; leave() }, nil
	default:
	}
	if rs.full != nil {
		rs.full(r.Consumer)
	}
	select {
	case rs.slots <- struct{}{}:
		return func() { <-rs.slots; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, &SlotError{Site: r.Site.Name, Detail: fmt.Sprintf("no render slot free (%d renders at once)", cap(rs.slots)),
			cause: ctx.Err()}
	}
}
