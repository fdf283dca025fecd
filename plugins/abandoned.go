package plugins

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/renderers"
)

// MaxAbandonedRenders is how many renders whose callers gave up may run
// on one process of a plugin before a new render waits for one of them
// to end (renders under way when their callers give up are not stopped,
// so more may run).
const MaxAbandonedRenders = 4

// renderCall is a render under way on a process: the context of its
// caller, which it outlives when the caller gives up first, and the list
// it renders.
type renderCall struct {
	caller context.Context
	list   string
}

// abandoned reports whether the call's caller has given up.
func (c *renderCall) abandoned() bool { return c.caller.Err() != nil }

// listOf names the list req asks for: its site, feed, data type, age and
// options, not what changes from one build of the list to the next.
func listOf(req renderers.Request) string {
	var b strings.Builder
	for _, s := range []string{req.Site, req.Feed, req.DataType, req.Age} {
		fmt.Fprintf(&b, "%d:%s", len(s), s)
	}
	for _, k := range slices.Sorted(maps.Keys(req.Options)) {
		fmt.Fprintf(&b, "%d:%s%d:%s", len(k), k, len(req.Options[k]), req.Options[k])
	}
	return b.String()
}

// admit registers a render of list for the caller of ctx on inst once
// inst runs no render of the same list whose caller gave up, and fewer
// than MaxAbandonedRenders of any: a device that retries while the plugin
// is still rendering the list it gave up on does not stack another render
// of it in the plugin at each retry. ok is false when inst was retired
// meanwhile: the render goes to the current process. It fails when ctx
// ends first; the render never started.
func (p *Plugin) admit(ctx context.Context, inst *instance, list string) (call *renderCall, ok bool, err error) {
	for {
		p.mu.Lock()
		if inst.retired || p.closed {
			p.mu.Unlock()
			return nil, false, nil
		}
		busy := inst.busyFor(list)
		if busy == nil {
			call = &renderCall{caller: ctx, list: list}
			if inst.renders == nil {
				inst.renders = make(map[*renderCall]struct{})
			}
			inst.renders[call] = struct{}{}
			p.mu.Unlock()
			return call, true, nil
		}
		p.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, true, fmt.Errorf("plugins: render %s: waiting for a render its caller gave up: %w", p.cfg.Name, context.Cause(ctx))
		}
	}
}

// busyFor returns a channel closed when a render on inst ends, when a
// render of list must wait for that; nil when it may start now. The
// Plugin's mu is held.
func (inst *instance) busyFor(list string) <-chan struct{} {
	n := 0
	for c := range inst.renders {
		if c.abandoned() {
			if c.list == list {
				n = MaxAbandonedRenders
				break
			}
			n++
		}
	}
	if n < MaxAbandonedRenders {
		return nil
	}
	if inst.renderEnded == nil {
		inst.renderEnded = make(chan struct{})
	}
	return inst.renderEnded
}

// endRender ends call on inst, waking the renders waiting for one to end.
func (p *Plugin) endRender(inst *instance, call *renderCall) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(inst.renders, call)
	if inst.renderEnded != nil {
		close(inst.renderEnded)
		inst.renderEnded = nil
	}
}
