package server

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// clientGonePoll is how often a waiting request checks its connection.
const clientGonePoll = 500 * time.Millisecond

// watchClient returns the request's context, cancelled when the client
// closes its connection while the handler still works, so a list build
// nobody waits for any more is stopped. Stop must be called when the
// handler is done.
//
// The watch starts only when something waits on the context (Done or
// Err): a cache hit never does, and then costs no timer, no cancel
// context and no goroutine.
func (s *Server) watchClient(c *fiber.Ctx) *clientCtx {
	conn := c.Context().Conn()
	for {
		u, ok := conn.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		conn = u.NetConn()
	}
	return &clientCtx{Context: c.UserContext(), conn: conn}
}

// cancelledContext is done from the start.
var cancelledContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// clientCtx is a request context that is cancelled once its client is
// gone, watched from the first Done or Err on.
type clientCtx struct {
	context.Context // the request's own; its values and deadline
	conn            net.Conn

	once    sync.Once
	watched context.Context
	cancel  context.CancelFunc

	mu      sync.Mutex
	stopped bool
	timer   *time.Timer
	checks  int // checks made
	// halfClosed is set when the first check found the end of stream: the
	// client closed its sending side with its request, and reads on.
	halfClosed bool
}

// watch starts checking the connection every clientGonePoll.
func (w *clientCtx) watch() context.Context {
	w.once.Do(func() {
		w.watched, w.cancel = context.WithCancel(w.Context)
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.stopped {
			w.timer = time.AfterFunc(clientGonePoll, w.check)
		}
	})
	return w.watched
}

// Done implements context.Context.
func (w *clientCtx) Done() <-chan struct{} { return w.watch().Done() }

// Err implements context.Context.
func (w *clientCtx) Err() error { return w.watch().Err() }

// check cancels the context when the client is gone: its connection
// reset, or its end of stream reached after the first check. An end of
// stream the first check finds is a client that closed its sending side
// with its request (nc -N, a proxy in TCP mode passing the FIN on) and
// waits for the answer; one that comes later is a client that gave up
// (a device's timeout) and closed its connection.
func (w *clientCtx) check() {
	reset, eof := peerState(w.conn)
	w.mu.Lock()
	defer w.mu.Unlock()
	if eof && w.checks == 0 {
		w.halfClosed = true
	}
	w.checks++
	if reset || eof && !w.halfClosed {
		w.cancel()
		return
	}
	if !w.stopped {
		w.timer.Reset(clientGonePoll)
	}
}

// Stop ends the watch and cancels the context, if it was ever watched.
func (w *clientCtx) Stop() {
	w.mu.Lock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	// Never watched: a later Done or Err sees a cancelled context, as
	// after a watch, and starts none.
	w.once.Do(func() { w.watched = cancelledContext })
	if w.cancel != nil {
		w.cancel()
	}
}
