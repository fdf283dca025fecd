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

// proxyWatch notices requests whose client Cratos cannot tell although a
// reverse proxy said who it was: behind such a proxy every client has the
// proxy's address and passes any allow-list that holds it.
type proxyWatch struct {
	mu       sync.Mutex
	count    uint64
	peer     netip.Addr
	header   string
	first    time.Time
	last     time.Time
	loggedAt time.Time
}

// note records one request from peer with header and reports whether to
// log it (the first, then at most one every 10 minutes) and how many
// there were.
func (w *proxyWatch) note(peer netip.Addr, header string, now time.Time) (logIt bool, count uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.count++
	w.peer, w.header, w.last = peer, header, now
	if w.first.IsZero() {
		w.first = now
	}
	logIt = w.loggedAt.IsZero() || now.Sub(w.loggedAt) >= 10*time.Minute
	if logIt {
		w.loggedAt = now
	}
	return logIt, w.count
}

// status is w's /v1/status entry, or nil when it saw nothing.
func (w *proxyWatch) status(warning string) map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count == 0 {
		return nil
	}
	return map[string]any{
		"warning":    warning,
		"peer":       w.peer.String(),
		"header":     w.header,
		"requests":   w.count,
		"first_seen": w.first.UTC().Format(time.RFC3339),
		"last_seen":  w.last.UTC().Format(time.RFC3339),
	}
}

// watchProxy is the middleware that records requests carrying a
// forwarding header from an address outside trusted_proxies (s.proxy),
// and those from a trusted proxy carrying another forwarding header but
// not the one the client is read from (s.proxyHeader: nginx set to send
// X-Real-IP while reverse_proxy_header is X-Forwarded-For). It logs the
// first of each loudly, then at most one line every 10 minutes; the first
// kind goes on as from the proxy's address, the second is refused (400):
// its client is someone behind a proxy trusted to name it, and cannot be
// told.
func (s *Server) watchProxy(c *fiber.Ctx) error {
	h := s.opts.Config.ReverseProxyHeader
	configured := h != "" && len(c.Request().Header.Peek(h)) > 0
	found := ""
	if configured {
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
	if !peer.IsValid() {
		return c.Next()
	}
	now := s.opts.Now()
	switch {
	case !acl.Contains(s.opts.Config.TrustedProxies, peer):
		if logIt, count := s.proxy.note(peer, found, now); logIt {
			s.opts.Logger.Warn("UNTRUSTED REVERSE PROXY: a request carries a forwarding header but comes from an address not in trusted_proxies; "+
				"the header is ignored and the client is taken to be that address, so every client behind this proxy passes any allow-list that holds it. "+
				"List the proxy in trusted_proxies (config.yaml)",
				"peer", peer.String(), "header", found, "requests", count)
		}
	case !configured && s.resolver.Header() != "":
		if logIt, count := s.proxyHeader.note(peer, found, now); logIt {
			s.opts.Logger.Warn("REVERSE PROXY HEADER NOT SENT: a trusted proxy forwards requests with "+found+" but not "+s.resolver.Header()+
				", which the client address is read from; they are refused (400), since taken as the proxy's own every client behind it would pass any allow-list that holds it. "+
				"Have the proxy send "+s.resolver.Header()+", or set reverse_proxy_header (config.yaml)",
				"peer", peer.String(), "header", found, "requests", count)
		}
		return detail(c, fiber.StatusBadRequest, "The proxy forwarded this request with "+found+" but not "+s.resolver.Header()+", which the client address is read from.")
	}
	return c.Next()
}

// proxyStatus returns the /v1/status entries of the proxies watchProxy
// saw, by key.
func (s *Server) proxyStatus() map[string]map[string]any {
	out := map[string]map[string]any{}
	if st := s.proxy.status("requests with a forwarding header arrive from an address that is not in trusted_proxies: every client behind it is treated as that address"); st != nil {
		out["untrusted_proxy"] = st
	}
	if st := s.proxyHeader.status("a trusted proxy forwards requests without " + s.resolver.Header() + ", which the client address is read from: they are refused (400)"); st != nil {
		out["proxy_header_missing"] = st
	}
	return out
}
