package plugins

import (
	"os/exec"
	"sync"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
)

// instance is one process of a plugin.
type instance struct {
	proc     *goplugin.Client
	cmd      *exec.Cmd
	rc       *Client
	outputs  []*lineLog
	killOnce sync.Once

	// Guarded by the Plugin's mu: the calls in progress on the process,
	// and whether it failed (no new call is given to it).
	calls   int
	retired bool
	// renders are the renders under way, each until its stream ends
	// (abandoned.go); renderEnded, when not nil, is closed at the end of
	// the next one.
	renders     map[*renderCall]struct{}
	renderEnded chan struct{}
}

// current returns the running process for a call, or nil when there is
// none; a process that exited on its own is retired here.
func (p *Plugin) current() (*instance, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if p.cur != nil && p.cur.proc.Exited() {
		p.log.Warn("plugin process exited; it starts again now", "plugin", p.cfg.Name)
		old := p.cur
		p.cur = nil
		old.retired = true
		p.kills.Add(1)
		go func() { defer p.kills.Done(); p.kill(old, true) }()
	}
	if p.cur != nil {
		p.cur.calls++
	}
	return p.cur, nil
}

// release ends a call on inst, killing inst when it failed and this was
// its last call.
func (p *Plugin) release(inst *instance) {
	p.mu.Lock()
	inst.calls--
	last := inst.retired && inst.calls == 0
	if last {
		delete(p.retired, inst)
	}
	p.mu.Unlock()
	if last {
		p.kill(inst, true)
	}
}

// fail retires inst after a failure: the next request starts a new
// process. A process that exited is killed at once; one that broke a call
// in another way (the protocol, the render deadline) still serves the
// calls begun on it, as the failure was that call's own, and is killed when
// the last of them ends.
func (p *Plugin) fail(inst *instance, cause error, exited bool) {
	p.mu.Lock()
	if p.cur == inst {
		p.cur = nil
	}
	inst.retired = true
	if !exited && inst.calls > 0 {
		if p.retired == nil {
			p.retired = make(map[*instance]struct{})
		}
		p.retired[inst] = struct{}{}
	}
	p.mu.Unlock()
	p.log.Warn("plugin failed; it starts again at the next request", "plugin", p.cfg.Name, "error", cause)
	if exited {
		p.kill(inst, true)
	}
}

// kill ends inst's process: force kills it at once, otherwise go-plugin
// asks it to exit and kills it after a grace period. The processes it
// started go with it.
// Several failing requests may kill one process at once; only the first
// waits for it.
func (p *Plugin) kill(inst *instance, force bool) {
	if force && inst.cmd.Process != nil && !inst.proc.Exited() {
		_ = inst.cmd.Process.Kill()
	}
	inst.killOnce.Do(func() {
		inst.proc.Kill()
		killGroup(inst.cmd)
		for _, l := range inst.outputs {
			l.Flush()
		}
	})
}

// waitExit reports whether inst's process has exited, giving go-plugin up
// to two seconds to notice an exit that broke the connection.
func (p *Plugin) waitExit(inst *instance) bool {
	for range 200 {
		if inst.proc.Exited() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
