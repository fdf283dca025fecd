package dnsprimary

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/acl"
)

// The most TCP connections open at once: in total, and from one address
// (one /64 for IPv6). Secondaries open one a transfer and few at a time;
// the caps keep a flood of connections from taking the descriptors that
// the HTTP side, MISP and memcached need.
const (
	tcpConnTotal   = 256
	tcpConnPerAddr = 16
)

// capListener caps the connections open at once, closing one over a cap
// as soon as it is accepted, and waits out accept errors (too many open
// files) rather than returning them: the DNS library would spin on a
// temporary one and stop serving TCP on any other.
type capListener struct {
	net.Listener
	total, perAddr int
	log            *slog.Logger

	mu      sync.Mutex
	open    int
	byAddr  map[netip.Addr]int
	lastLog time.Time
}

func newCapListener(ln net.Listener, total, perAddr int, log *slog.Logger) *capListener {
	return &capListener{Listener: ln, total: total, perAddr: perAddr, log: log, byAddr: map[netip.Addr]int{}}
}

// Accept returns the next connection under the caps.
func (l *capListener) Accept() (net.Conn, error) {
	backoff := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil, err
			}
			l.warn("dns tcp accept failed; retrying", "err", err.Error(), "retry_in", backoff.String())
			time.Sleep(backoff)
			backoff = min(backoff*2, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		key := remoteKey(c.RemoteAddr())
		l.mu.Lock()
		over := l.open >= l.total || l.byAddr[key] >= l.perAddr
		if !over {
			l.open++
			l.byAddr[key]++
		}
		l.mu.Unlock()
		if over {
			_ = c.Close()
			l.warn("dns tcp connection refused: too many open", "client", key.String(), "total", l.total, "per_address", l.perAddr)
			continue
		}
		return &cappedConn{Conn: c, l: l, key: key}, nil
	}
}

// warn logs at most once a second, so that a flood does not flood the log.
func (l *capListener) warn(msg string, args ...any) {
	l.mu.Lock()
	now := time.Now()
	quiet := now.Sub(l.lastLog) < time.Second
	if !quiet {
		l.lastLog = now
	}
	l.mu.Unlock()
	if !quiet {
		l.log.Warn(msg, args...)
	}
}

func (l *capListener) release(key netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byAddr[key]--; l.byAddr[key] == 0 {
		delete(l.byAddr, key)
	}
}

// remoteKey is the address a connection counts against.
func remoteKey(a net.Addr) netip.Addr {
	var ip netip.Addr
	if ta, ok := a.(*net.TCPAddr); ok {
		ip = ta.AddrPort().Addr()
	}
	return acl.RateKey(ip)
}

// cappedConn gives its place back when closed.
type cappedConn struct {
	net.Conn
	l    *capListener
	key  netip.Addr
	once sync.Once
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.key) })
	return err
}
