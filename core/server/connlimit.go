package server

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/acl"
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
// for IPv6), closing those over a cap at once, and retries accept errors
// (too many open files, aborted handshakes) instead of returning them: a
// flood of connections never stops the server.
type limitListener struct {
	net.Listener
	total, perAddr int
	exempt         func(netip.Addr) bool
	log            *slog.Logger

	mu      sync.Mutex
	open    int
	byAddr  map[netip.Addr]int
	silent  map[*limitConn]time.Time // accepted, nothing read yet: when accepted
	refused atomic.Int64
	lastLog time.Time

	files answerFiles // of the bodies answered most recently (answerfiles.go)
}

func newLimitListener(ln net.Listener, total, perAddr int, exempt func(netip.Addr) bool, log *slog.Logger) *limitListener {
	return &limitListener{Listener: ln, total: total, perAddr: perAddr, exempt: exempt, log: log,
		byAddr: map[netip.Addr]int{}, silent: map[*limitConn]time.Time{}, files: newAnswerFiles()}
}

// addrKey is the address a per-address cap counts: an IPv4 address, or
// the /64 of an IPv6 one (a host rotates addresses within its /64).
func addrKey(a net.Addr) netip.Addr {
	var ip netip.Addr
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ = netip.AddrFromSlice(ta.IP)
	}
	return acl.RateKey(ip)
}

// Accept returns the next connection under the caps.
func (l *limitListener) Accept() (net.Conn, error) {
	backoff := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil, err
			}
			l.warn("accept failed; retrying", "error", err.Error(), "retry_in", backoff.String())
			time.Sleep(backoff)
			backoff = min(backoff*2, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		key := addrKey(c.RemoteAddr())
		if !l.admit(key) {
			l.refused.Add(1)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // no TIME_WAIT for a refused connection
			}
			_ = c.Close()
			l.warn("connection refused: over the connection cap", "addr", key.String(), "max_connections", l.total, "max_connections_per_ip", l.perAddr)
			continue
		}
		lc := newLimitConn(c, l, key)
		l.mu.Lock()
		l.silent[lc] = time.Now()
		l.mu.Unlock()
		return lc, nil
	}
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

func (l *limitListener) admit(key netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.total {
		return false
	}
	perAddr := key.IsValid() && !(l.exempt != nil && l.exempt(key))
	if perAddr && l.byAddr[key] >= l.perAddr {
		return false
	}
	l.open++
	if perAddr {
		l.byAddr[key]++
	}
	return true
}

func (l *limitListener) release(key netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if n, ok := l.byAddr[key]; ok {
		if n <= 1 {
			delete(l.byAddr, key)
		} else {
			l.byAddr[key] = n - 1
		}
	}
}

// warn logs at most once a second.
func (l *limitListener) warn(msg string, args ...any) {
	l.mu.Lock()
	now := time.Now()
	skip := now.Sub(l.lastLog) < time.Second
	if !skip {
		l.lastLog = now
	}
	l.mu.Unlock()
	if !skip && l.log != nil {
		l.log.Warn(msg, append(args, "refused_total", l.refused.Load())...)
	}
}

// limitConn releases its place when closed.
type limitConn struct {
	net.Conn
	sock  *rawSock // Conn's socket, read and written directly (rawsock_linux.go); nil when there is none
	l     *limitListener
	key   netip.Addr
	once  sync.Once
	spoke atomic.Bool // something was read

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
	return &limitConn{Conn: c, sock: newRawSock(c), l: l, key: key}
}

func (c *limitConn) Read(b []byte) (int, error) {
	if err := c.flushHeld(); err != nil {
		return 0, err
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
		c.l.heard(c)
		c.l.release(c.key)
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
	return newLimitListener(ln, connCap(lim.MaxConnections), lim.MaxConnectionsPerIP, exempt, s.opts.Logger)
}
