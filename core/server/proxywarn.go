package server

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/acl"
)

// forwardingHeaders are the headers a reverse proxy adds to say who the
// client is.
var forwardingHeaders = []string{"X-Forwarded-For", "X-Real-IP", "Forwarded"}

// proxyWatch notices requests that carry a forwarding header but come from
// a peer outside trusted_proxies: a reverse proxy Cratos does not believe,
// behind which every client has the proxy's address and passes any
// allow-list that holds it.
type proxyWatch struct {
	mu       sync.Mutex
	count    uint64
	peer     netip.Addr
	header   string
	first    time.Time
	last     time.Time
	loggedAt time.Time
}

// watchProxy is the middleware that records such requests, logs the first
// one loudly (then at most one line every 10 minutes) and lets the request
// go on unchanged.
func (s *Server) watchProxy(c *fiber.Ctx) error {
	h := s.opts.Config.ReverseProxyHeader
	found := ""
	if h != "" && len(c.Request().Header.Peek(h)) > 0 {
		found = h
	}
	for _, name := range forwardingHeaders {
		if found == "" && len(c.Request().Header.Peek(name)) > 0 {
			found = name
		}
	}
	if found == "" {
		return c.Next()
	}
	var peer netip.Addr
	if ta, ok := c.Context().RemoteAddr().(*net.TCPAddr); ok {
		peer, _ = netip.AddrFromSlice(ta.IP)
		peer = peer.Unmap()
	}
	if !peer.IsValid() || acl.Contains(s.opts.Config.TrustedProxies, peer) {
		return c.Next()
	}
	now := s.opts.Now()
	w := &s.proxy
	w.mu.Lock()
	w.count++
	w.peer, w.header, w.last = peer, found, now
	if w.first.IsZero() {
		w.first = now
	}
	logIt := w.loggedAt.IsZero() || now.Sub(w.loggedAt) >= 10*time.Minute
	if logIt {
		w.loggedAt = now
	}
	count := w.count
	w.mu.Unlock()
	if logIt {
		s.opts.Logger.Warn("UNTRUSTED REVERSE PROXY: a request carries a forwarding header but comes from an address not in trusted_proxies; "+
			"the header is ignored and the client is taken to be that address, so every client behind this proxy passes any allow-list that holds it. "+
			"List the proxy in trusted_proxies (config.yaml)",
			"peer", peer.String(), "header", found, "requests", count)
	}
	return c.Next()
}

// proxyStatus is the /v1/status entry for untrusted proxies, or nil when
// none was seen.
func (s *Server) proxyStatus() map[string]any {
	w := &s.proxy
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count == 0 {
		return nil
	}
	return map[string]any{
		"warning":    "requests with a forwarding header arrive from an address that is not in trusted_proxies: every client behind it is treated as that address",
		"peer":       w.peer.String(),
		"header":     w.header,
		"requests":   w.count,
		"first_seen": w.first.UTC().Format(time.RFC3339),
		"last_seen":  w.last.UTC().Format(time.RFC3339),
	}
}
