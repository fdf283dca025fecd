package cache

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/internal/workgroup"
)

// loadFlights runs one fill at a time per key for the callers waiting for
// it, in a context of the fill's own: the fill outlives the caller that
// started it, and is cancelled once every caller waiting for it has left.
type loadFlights struct {
	mu    sync.Mutex
	calls map[string]*flight // one per fill running
}

// flight is one fill and the callers waiting for it.
type flight struct {
	n      int // callers waiting
	cancel context.CancelFunc
	done   chan struct{} // closed once val and err are set
	// deadline is the fill's: its starter's.
	deadline    time.Time
	hasDeadline bool
	// waitingOn is what the fill waits for now (WaitingOn), nil while
	// it works.
	waitingOn atomic.Pointer[error]
	val       any
	err       error
}

type flightKey struct{}

// WaitingOn tells the fill running in ctx (Tier.Load's) that it waits,
// until done is called, for what err names (a free build slot): a caller
// that stops waiting for the fill at its own deadline meanwhile gets err,
// what its own fill would have ended with, rather than its context's
// error. Outside a fill it does nothing.
func WaitingOn(ctx context.Context, err error) (done func()) {
	f, _ := ctx.Value(flightKey{}).(*flight)
	if f == nil {
		return func() {}
	}
	f.waitingOn.Store(&err)
	return func() { f.waitingOn.CompareAndSwap(&err, nil) }
}

// WaitingFor returns what the fill running in ctx waits for now
// (WaitingOn): nil while it works, and outside a fill.
func WaitingFor(ctx context.Context) error {
	f, _ := ctx.Value(flightKey{}).(*flight)
	if f == nil {
		return nil
	}
	if err := f.waitingOn.Load(); err != nil {
		return *err
	}
	return nil
}

// do returns fill's result for key, running fill unless a fill of key
// is running already, or ctx's error when ctx ends first. fill's context
// keeps the values and the deadline of the ctx of the caller that
// started it, never its cancellation: it is cancelled when every caller
// waiting has left. A caller leaving does not end the wait of the
// others; a caller whose deadline ends the fill too waits for the
// fill's own error. A fill that panics panics in every caller waiting
// for it, as a *workgroup.Panic carrying its stack.
func (fs *loadFlights) do(ctx context.Context, key string, fill func(context.Context) (any, error)) (any, error) {
	f := fs.join(ctx, key, fill)
	select {
	case <-ctx.Done():
		if !f.endsBy(ctx) {
			fs.leave(key, f)
			return nil, f.leftAt(ctx)
		}
		// The fill's deadline has passed too: its own error says
		// what it was waiting for (a MISP timeout, a busy slot).
		<-f.done
	case <-f.done:
	}
	fs.leave(key, f)
	if p, ok := f.err.(*workgroup.Panic); ok {
		panic(p)
	}
	return f.val, f.err
}

// join counts a caller waiting for the fill of key, starting one when
// none runs.
func (fs *loadFlights) join(ctx context.Context, key string, fill func(context.Context) (any, error)) *flight {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.calls[key]; f != nil {
		f.n++
		return f
	}
	var (
		fctx   context.Context
		cancel context.CancelFunc
	)
	if d, ok := ctx.Deadline(); ok {
		fctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), d)
	} else {
		fctx, cancel = context.WithCancel(context.WithoutCancel(ctx))
	}
	f := &flight{n: 1, cancel: cancel, done: make(chan struct{})}
	f.deadline, f.hasDeadline = fctx.Deadline()
	fctx = context.WithValue(fctx, flightKey{}, f)
	if fs.calls == nil {
		fs.calls = map[string]*flight{}
	}
	fs.calls[key] = f
	go fs.run(fctx, key, f, fill)
	return f
}

// run runs f's fill and hands its result to the callers waiting.
func (fs *loadFlights) run(ctx context.Context, key string, f *flight, fill func(context.Context) (any, error)) {
	var (
		val any
		err error
	)
	func() {
		defer func() {
			if p := recover(); p != nil {
				// A worker's panic keeps the worker's stack.
				var wp *workgroup.Panic
				if e, ok := p.(error); !ok || !errors.As(e, &wp) {
					wp = &workgroup.Panic{Value: p, Stack: debug.Stack()}
				}
				err = wp
			}
		}()
		val, err = fill(ctx)
	}()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.calls[key] == f {
		delete(fs.calls, key)
	}
	f.cancel()
	f.val, f.err = val, err
	close(f.done)
}

// endsBy reports whether f's fill is past its deadline once ctx, which
// has ended, is past its own.
func (f *flight) endsBy(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return f.hasDeadline && ok && errors.Is(ctx.Err(), context.DeadlineExceeded) && !f.deadline.After(d)
}

// leftAt is the error of a caller that stopped waiting for f when ctx
// ended: what the fill waits for, when ctx ended at its deadline, else
// ctx's error.
func (f *flight) leftAt(ctx context.Context) error {
	if err := f.waitingOn.Load(); err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return *err
	}
	return ctx.Err()
}

// leave ends one caller's wait for f; the last one to leave cancels a
// fill still running, and the next caller starts a fill of its own.
func (fs *loadFlights) leave(key string, f *flight) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f.n--; f.n > 0 {
		return
	}
	select {
	case <-f.done:
		return
	default:
	}
	f.cancel()
	if fs.calls[key] == f {
		delete(fs.calls, key)
	}
}

// waiting is how many callers wait for the fill of key.
func (fs *loadFlights) waiting(key string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.calls[key]; f != nil {
		return f.n
	}
	return 0
}
