// Package workgroup runs functions in goroutines of their own and waits
// for them, as sync.WaitGroup.Go does, but passes a panic on to the
// goroutine that waits. A panic in a goroutine of its own ends the
// process; passed on, it reaches the recover of whoever started the work
// (a list's build turns it into an error and serves the last good list).
package workgroup

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// Group is a set of goroutines to wait for. The zero value is ready to
// use; a Group is not copied after its first use.
type Group struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	first *Panic
}

// Panic is the first panic of a Group's goroutines, with their stack.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string { return fmt.Sprintf("panic in a worker: %v", p.Value) }

// Go calls f in a new goroutine.
func (g *Group) Go(f func()) {
	g.wg.Go(func() {
		defer func() {
			if v := recover(); v != nil {
				g.mu.Lock()
				if g.first == nil {
					g.first = &Panic{Value: v, Stack: debug.Stack()}
				}
				g.mu.Unlock()
			}
		}()
		f()
	})
}

// Wait waits for every goroutine started by Go, then, when any of them
// panicked, panics with the first one's *Panic.
func (g *Group) Wait() {
	g.wg.Wait()
	g.mu.Lock()
	p := g.first
	g.mu.Unlock()
	if p != nil {
		panic(p)
	}
}
