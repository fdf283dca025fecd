// Package connlimit caps a listener's open connections, in total and per
// client address, closing one over a cap as soon as it is accepted, and
// keeps accepting through accept errors (too many open files, aborted
// handshakes) with a back-off: a flood of connections never stops a
// server or takes the descriptors the rest of the process needs.
package connlimit

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

// Caps counts the connections open against the caps. Each connection
// Accept returns holds its place until Release.
type Caps struct {
	total, perAddr int
	exempt         func(netip.Addr) bool
	log            *slog.Logger
	attrs          []any

	mu      sync.Mutex
	open    int
	byAddr  map[netip.Addr]int
	lastLog time.Time
	refused atomic.Int64

	reclaim func() bool
}

// ReclaimWith makes room past the total cap with f: when the cap is
// full, Accept calls f, which closes one open connection (releasing its
// place) and reports whether it did, before refusing the new one. Call
// it before the first Accept.
func (c *Caps) ReclaimWith(f func() bool) { c.reclaim = f }

// New returns caps of total connections and perAddr from one address;
// addresses for which exempt (when not nil) is true have no cap of their
// own (exempt is asked about the peer's own address, not its Key). Its
// warnings go to log (nil: none), with attrs added.
func New(total, perAddr int, exempt func(netip.Addr) bool, log *slog.Logger, attrs ...any) *Caps {
	return &Caps{total: total, perAddr: perAddr, exempt: exempt, log: log, attrs: attrs, byAddr: map[netip.Addr]int{}}
}

// Key is the address a per-address cap counts: an IPv4 address, or the
// /64 of an IPv6 one (a host rotates addresses within its /64).
func Key(a net.Addr) netip.Addr { return acl.RateKey(peerIP(a)) }

// peerIP is the address of a TCP peer, IPv4-mapped IPv6 unmapped and
// without zone; the zero Addr for any other kind of address.
func peerIP(a net.Addr) netip.Addr {
	var ip netip.Addr
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ = netip.AddrFromSlice(ta.IP)
	}
	return ip.Unmap().WithZone("")
}

// Accept returns ln's next connection under the caps and the address it
// counts against (the zero Addr for an exempt peer), for Release. Its
// only error is ln's net.ErrClosed.
func (c *Caps) Accept(ln net.Listener) (net.Conn, netip.Addr, error) {
	backoff := 5 * time.Millisecond
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil, netip.Addr{}, err
			}
			c.Warn("accept failed; retrying", "error", err.Error(), "retry_in", backoff.String())
			time.Sleep(backoff)
			backoff = min(backoff*2, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		ip := peerIP(conn.RemoteAddr())
		key, ok, full := c.admit(ip)
		if !ok && full && c.reclaim != nil && c.reclaim() {
			key, ok, _ = c.admit(ip)
		}
		if !ok {
			c.refused.Add(1)
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // no TIME_WAIT for a refused connection
			}
			_ = conn.Close()
			c.Warn("connection refused: over the connection cap", "addr", acl.RateKey(ip).String(), "max_connections", c.total, "max_connections_per_ip", c.perAddr)
			continue
		}
		return conn, key, nil
	}
}

// admit takes a place for a connection from ip and returns the key it
// is counted under: its Key, or the zero Addr for an exempt address,
// whose connections count in no address's cap (nor, when they end, come
// off one). A refusal reports whether the total cap refused (full) rather
// than the address's own.
func (c *Caps) admit(ip netip.Addr) (key netip.Addr, ok, full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key = acl.RateKey(ip)
	if c.exempt != nil && c.exempt(ip) {
		key = netip.Addr{}
	}
	if key.IsValid() && c.byAddr[key] >= c.perAddr {
		return netip.Addr{}, false, false
	}
	if c.open >= c.total {
		return netip.Addr{}, false, true
	}
	c.open++
	if key.IsValid() {
		c.byAddr[key]++
	}
	return key, true, false
}

// Release gives back the place of a connection from key; call it once a
// connection, when it is closed.
func (c *Caps) Release(key netip.Addr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open--
	if n, ok := c.byAddr[key]; ok {
		if n <= 1 {
			delete(c.byAddr, key)
		} else {
			c.byAddr[key] = n - 1
		}
	}
}

// Open returns the number of connections holding a place.
func (c *Caps) Open() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open
}

// Refused returns the number of connections closed over a cap.
func (c *Caps) Refused() int64 { return c.refused.Load() }

// Warn logs at most once a second, so that a flood does not flood the log.
func (c *Caps) Warn(msg string, args ...any) {
	c.mu.Lock()
	now := time.Now()
	skip := now.Sub(c.lastLog) < time.Second
	if !skip {
		c.lastLog = now
	}
	c.mu.Unlock()
	if !skip && c.log != nil {
		args = append(append(args, "refused_total", c.refused.Load()), c.attrs...)
		c.log.Warn(msg, args...)
	}
}
