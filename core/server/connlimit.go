package server

import (
	"container/list"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/internal/connlimit"
)

// fdReserve is how many file descriptors are kept for everything but
// client connections (MISP, memcached, plugins, logs, answer files) when
// the total connection cap is derived from the open-file limit.
func fdReserve(limit uint64) uint64 { return max(64, limit/8) }

// connCap returns the total connection cap: configured, and never more
// than the open-file limit leaves after the reserve.
func connCap(configured int) int {
	n := configured
	if lim := openFileLimit(); lim > 0 {
		room := int(lim) - int(fdReserve(lim))
		n = min(n, max(room, 1))
	}
	return max(n, 1)
}

// limitListener caps open connections in total and per address (per /64
// for IPv6) and keeps accepting through accept errors (connlimit), and
// tracks the connections that have sent nothing yet.
type limitListener struct {
	net.Listener
	caps *connlimit.Caps

	mu     sync.Mutex
	silent map[*limitConn]time.Time // accepted, nothing read yet: when accepted
	// waiting are the connections waiting for a request (accepted, kept
	// alive after an answer, or with a request partly read), those that
	// have waited longest first: past the total cap, the first is closed
	// to admit a new connection (reclaim).
	waiting list.List

	files answerFiles // of the bodies answered most recently (answerfiles.go)

	// sendTimeout is how far past a write that makes progress the write
	// deadline in force is moved (deadline.go); 0 leaves it.
	sendTimeout time.Duration

	shut atomic.Bool // the server shut down: accept nothing more
}

func newLimitListener(ln net.Listener, total, perAddr int, exempt func(netip.Addr) bool, log *slog.Logger) *limitListener {
	return &limitListener{Listener: ln, caps: connlimit.New(total, perAddr, exempt, log),
		silent: map[*limitConn]time.Time{}, files: newAnswerFiles()}
}

// reclaimWaiting makes l close, past the total cap, the connection that
// has waited longest for a request, as nginx reuses its idle connections
// when it runs out: otherwise a few addresses holding connections open
// (each up to max_connections_per_ip) would refuse every device until
// the read timeout, and again as soon as they reconnect. A connection
// whose request is being answered is never closed. Only a server that
// marks its requests (requestStarted) may ask for it.
func (l *limitListener) reclaimWaiting() { l.caps.ReclaimWith(l.reclaim) }

// reclaim closes the connection that has waited longest for a request,
// and reports whether there was one.
func (l *limitListener) reclaim() bool {
	l.mu.Lock()
	e := l.waiting.Front()
	if e == nil {
		l.mu.Unlock()
		return false
	}
	c := e.Value.(*limitConn)
	l.waiting.Remove(e)
	c.waitAt = nil
	l.mu.Unlock()
	_ = c.Close()
	l.caps.Warn("closed the connection waiting longest for a request: max_connections reached", "addr", c.key.String())
	return true
}

// Accept returns the next connection under the caps.
func (l *limitListener) Accept() (net.Conn, error) {
	if l.shut.Load() {
		return nil, net.ErrClosed
	}
	c, key, err := l.caps.Accept(l.Listener)
	if err != nil {
		return nil, err
	}
	lc := newLimitConn(c, l, key)
	l.mu.Lock()
	l.silent[lc] = time.Now()
	lc.waitAt = l.waiting.PushBack(lc)
	l.mu.Unlock()
	return lc, nil
}

// closeSilent closes the connections accepted before cutoff that have
// sent nothing yet. The HTTP server counts a new connection as busy from
// the start, so at shutdown one opened ahead of use (a client's or a
// proxy's pool, a health check that never spoke) would hold up the stop
// until its read timeout. It returns how many it closed.
func (l *limitListener) closeSilent(cutoff time.Time) int {
	l.mu.Lock()
	var quiet []*limitConn
	for c, accepted := range l.silent {
		if accepted.Before(cutoff) {
			quiet = append(quiet, c)
			delete(l.silent, c)
		}
	}
	l.mu.Unlock()
	for _, c := range quiet {
		_ = c.Close()
	}
	return len(quiet)
}

// heard forgets c among the silent connections.
func (l *limitListener) heard(c *limitConn) {
	l.mu.Lock()
	delete(l.silent, c)
	l.mu.Unlock()
}

// requestStarted marks c's request as read whole: c waits for none until
// it reads again, once the answer is written.
func (c *limitConn) requestStarted() {
	if c.busy.Swap(true) {
		return
	}
	c.l.mu.Lock()
	if c.waitAt != nil {
		c.l.waiting.Remove(c.waitAt)
		c.waitAt = nil
	}
	c.l.mu.Unlock()
}

// awaitRequest puts c, whose answer is written, back among the
// connections waiting for a request.
func (c *limitConn) awaitRequest() {
	if !c.busy.Swap(false) {
		return
	}
	c.l.mu.Lock()
	if c.waitAt == nil && !c.closed {
		c.waitAt = c.l.waiting.PushBack(c)
	}
	c.l.mu.Unlock()
}

// limitConn releases its place when closed.
type limitConn struct {
	net.Conn
	sock  *rawSock // Conn's socket, read and written directly (rawsock_linux.go); nil when there is none
	l     *limitListener
	key   netip.Addr
	once  sync.Once
	spoke atomic.Bool // something was read

	busy   atomic.Bool   // a request was read whole, and c has not read since
	waitAt *list.Element // c in l.waiting; nil when busy or closed (l.mu)
	closed bool          // (l.mu)

	rdl, wdl deadline // the deadlines in force (deadline.go)

	// What an announced answer's writes hold back (coalesce.go).
	wmu     sync.Mutex
	holding atomic.Bool // want or hold is set
	want    int
	hold    *[]byte
	file    *answerFile // the announced answer's file, if it has one
}

// newLimitConn returns c, accepted by l from key.
func newLimitConn(c net.Conn, l *limitListener, key netip.Addr) *limitConn {
	lc := &limitConn{Conn: c, l: l, key: key}
	lc.sock = newRawSock(c, lc.progressed)
	return lc
}

func (c *limitConn) Read(b []byte) (int, error) {
	if err := c.flushHeld(); err != nil {
		return 0, err
	}
	if c.busy.Load() { // the answer is written: c waits for the next request
		c.awaitRequest()
	}
	var (
		n   int
		err error
	)
	if c.sock != nil {
		n, err = c.sock.Read(b)
	} else {
		n, err = c.Conn.Read(b)
	}
	if n > 0 && !c.spoke.Load() {
		c.spoke.Store(true)
		c.l.heard(c)
	}
	return n, err
}

func (c *limitConn) Close() error {
	if c.wmu.TryLock() { // not while a write is under way
		if c.holding.Load() {
			_, _ = c.sendHeld(nil) // the end of an answer, when it is held
		}
		c.wmu.Unlock()
	}
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.silent, c)
		if c.waitAt != nil {
			c.l.waiting.Remove(c.waitAt)
			c.waitAt = nil
		}
		c.closed = true
		c.l.mu.Unlock()
		c.l.caps.Release(c.key)
	})
	return err
}

// NetConn returns the accepted connection.
func (c *limitConn) NetConn() net.Conn { return c.Conn }

// limitListener wraps ln with the configured connection caps.
func (s *Server) limitListener(ln net.Listener) *limitListener {
	lim := s.opts.Config.Limits
	lim.SetDefaults()
	trusted := s.opts.Config.TrustedProxies
	exempt := func(a netip.Addr) bool { return acl.Contains(trusted, a) }
	l := newLimitListener(ln, connCap(lim.MaxConnections), lim.MaxConnectionsPerIP, exempt, s.opts.Logger)
	l.sendTimeout = time.Duration(lim.SendTimeoutSeconds) * time.Second
	l.reclaimWaiting() // handle marks each request (requestStarted)
	return l
}
