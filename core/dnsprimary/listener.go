package dnsprimary

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"

	"github.com/cratos-project/cratos/internal/connlimit"
)

// The most TCP connections open at once: in total, and from one address
// (one /64 for IPv6). Secondaries open one a transfer and few at a time;
// the caps keep a flood of connections from taking the descriptors that
// the HTTP side, MISP and memcached need.
const (
	tcpConnTotal   = 256
	tcpConnPerAddr = 16
)

// capListener holds the DNS listener's TCP connections to the caps
// (connlimit), and waits out accept errors rather than returning them:
// the DNS library would spin on a temporary one and stop serving TCP on
// any other.
type capListener struct {
	net.Listener
	caps *connlimit.Caps
}

func newCapListener(ln net.Listener, total, perAddr int, log *slog.Logger) capListener {
	return capListener{Listener: ln, caps: connlimit.New(total, perAddr, nil, log, "listener", "dns")}
}

// Accept returns the next connection under the caps.
func (l capListener) Accept() (net.Conn, error) {
	c, key, err := l.caps.Accept(l.Listener)
	if err != nil {
		return nil, err
	}
	return &cappedConn{Conn: c, caps: l.caps, key: key}, nil
}

// cappedConn gives its place back when first closed.
type cappedConn struct {
	net.Conn
	caps *connlimit.Caps
	key  netip.Addr
	once sync.Once
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.caps.Release(c.key) })
	return err
}
