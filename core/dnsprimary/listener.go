package dnsprimary

import (
	"container/list"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/internal/connlimit"
)

// The most TCP connections open at once: in total, and from one address
// (one /64 for IPv6). Secondaries open one a transfer and few at a time;
// the caps keep a flood of connections from taking the descriptors that
// the HTTP side, MISP and memcached need.
const (
	tcpConnTotal   = 256
	tcpConnPerAddr = 16
	// tcpConnStrangers bounds those from addresses that no zone lets
	// query or transfer (they get only REFUSED), so that they cannot take
	// every place from the secondaries.
	tcpConnStrangers = 64
)

// capListener holds the DNS listener's TCP connections to the caps
// (connlimit), and waits out accept errors rather than returning them:
// the DNS library would spin on a temporary one and stop serving TCP on
// any other. When every place is taken, the connection that has waited
// longest for a query gives way to a new one: otherwise a few addresses
// a zone allows (tcpConnPerAddr each) could hold every place with idle
// connections and lock the secondaries out. A connection whose query is
// being answered, a transfer's, is never closed.
type capListener struct {
	net.Listener
	caps *connlimit.Caps
	idle *idleConns
}

// idleConns are the connections waiting for a query, in the order they
// began to wait.
type idleConns struct {
	mu      sync.Mutex
	waiting list.List // of *cappedConn
}

func newCapListener(ln net.Listener, total, perAddr int, log *slog.Logger) capListener {
	l := capListener{Listener: ln, caps: connlimit.New(total, perAddr, nil, log, "listener", "dns"), idle: &idleConns{}}
	l.caps.ReclaimWith(l.reclaim)
	return l
}

// Accept returns the next connection under the caps.
func (l capListener) Accept() (net.Conn, error) {
	c, key, err := l.caps.Accept(l.Listener)
	if err != nil {
		return nil, err
	}
	return &cappedConn{Conn: c, caps: l.caps, idle: l.idle, key: key}, nil
}

// reclaim closes the connection that has waited longest for a query, and
// reports whether there was one.
func (l capListener) reclaim() bool {
	l.idle.mu.Lock()
	e := l.idle.waiting.Front()
	if e == nil {
		l.idle.mu.Unlock()
		return false
	}
	c := e.Value.(*cappedConn)
	l.idle.waiting.Remove(e)
	c.waitAt = nil
	l.idle.mu.Unlock()
	_ = c.Close()
	l.caps.Warn("closed the connection waiting longest for a query: every TCP place is taken", "addr", c.key.String())
	return true
}

// cappedConn gives its place back when first closed. It waits for a
// query from the moment the DNS library reads from it (it reads only
// between queries) until something arrives.
type cappedConn struct {
	net.Conn
	caps   *connlimit.Caps
	idle   *idleConns
	key    netip.Addr
	once   sync.Once
	waitAt *list.Element // in idle.waiting; guarded by idle.mu
}

func (c *cappedConn) Read(b []byte) (int, error) {
	c.idle.mu.Lock()
	if c.waitAt == nil {
		c.waitAt = c.idle.waiting.PushBack(c)
	}
	c.idle.mu.Unlock()
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.busy()
	}
	return n, err
}

// busy takes c off the connections waiting for a query.
func (c *cappedConn) busy() {
	c.idle.mu.Lock()
	if c.waitAt != nil {
		c.idle.waiting.Remove(c.waitAt)
		c.waitAt = nil
	}
	c.idle.mu.Unlock()
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.busy()
		c.caps.Release(c.key)
	})
	return err
}

// strangerListener closes, as soon as it is accepted, a connection from
// an address that known refuses once max of them are open.
type strangerListener struct {
	net.Listener
	known func(netip.Addr) bool
	max   int64
	open  *atomic.Int64
}

func newStrangerListener(ln net.Listener, max int, known func(netip.Addr) bool) strangerListener {
	return strangerListener{Listener: ln, known: known, max: int64(max), open: new(atomic.Int64)}
}

// Accept returns the next connection from a known address, or from a
// stranger while fewer than max of them are open.
func (l strangerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if a, ok := c.RemoteAddr().(*net.TCPAddr); ok && l.known(a.AddrPort().Addr().Unmap()) {
			return c, nil
		}
		if l.open.Add(1) <= l.max {
			return &strangerConn{Conn: c, open: l.open}, nil
		}
		l.open.Add(-1)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // no TIME_WAIT for a refused connection
		}
		_ = c.Close()
	}
}

// strangerConn gives its place back when first closed.
type strangerConn struct {
	net.Conn
	open *atomic.Int64
	once sync.Once
}

func (c *strangerConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.open.Add(-1) })
	return err
}

// deadlineListener bounds every write on accepted connections, so that a
// stalled secondary cannot hold a transfer forever.
type deadlineListener struct {
	net.Listener
	timeout time.Duration
}

func (l deadlineListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &deadlineConn{Conn: c, timeout: l.timeout}, nil
}

type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	if err := c.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}
