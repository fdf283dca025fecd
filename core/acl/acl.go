// Package acl decides which address a request comes from and whether that
// address may read a site.
//
// The client address is the TCP peer, unless the peer is a trusted proxy;
// then it is the right-most address of the forwarding header that is not
// itself a trusted proxy. A client outside the trusted proxies can never
// choose its own address. The same Resolver feeds access logs and checks.
package acl

import (
	"net/netip"
	"strings"
)

// Resolver finds the client address of a request.
type Resolver struct {
	trusted []netip.Prefix
	header  string
}

// NewResolver returns a Resolver believing header (X-Forwarded-For when
// empty) only from peers inside trusted.
func NewResolver(trusted []netip.Prefix, header string) *Resolver {
	if header == "" {
		header = "X-Forwarded-For"
	}
	return &Resolver{trusted: trusted, header: header}
}

// Header is the forwarding header the Resolver reads.
func (r *Resolver) Header() string { return r.header }

// ClientIP returns the client address given the TCP peer and the values of
// the forwarding header (all occurrences, in order). An invalid peer gives
// the zero Addr.
func (r *Resolver) ClientIP(peer netip.Addr, forwarded []string) netip.Addr {
	a, _ := r.Resolve(peer, forwarded)
	return a
}

// Resolve is ClientIP that also reports whether a trusted proxy's header
// could be read: ok is false when a trusted peer sent a forwarding value
// that is empty, unknown or not an address before any client address.
// The address returned then is the last one read (possibly the proxy's),
// for logs only: a request with !ok must be refused, never served as
// the proxy.
func (r *Resolver) Resolve(peer netip.Addr, forwarded []string) (netip.Addr, bool) {
	peer = peer.Unmap().WithZone("")
	if !peer.IsValid() || !Contains(r.trusted, peer) {
		return peer, true
	}
	client := peer
	for i := len(forwarded) - 1; i >= 0; i-- {
		hops := strings.Split(forwarded[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			a, ok := parseHop(hops[j])
			if !ok {
				// A hop we cannot read: never skip past it, and never
				// take the proxy's own address for the client's.
				return client, false
			}
			client = a
			if !Contains(r.trusted, a) {
				return a, true
			}
		}
	}
	return client, true
}

// RateKey is the address that limits count for a: a itself for IPv4, its
// /64 for IPv6 (one host rotates through the addresses of its /64).
func RateKey(a netip.Addr) netip.Addr {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// parseHop reads one forwarding-header element: an address, optionally
// with a port, optionally bracketed (IPv6).
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, false
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// Contains reports whether a is inside any of the prefixes. IPv4-mapped
// IPv6 addresses are treated as IPv4.
func Contains(prefixes []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Allowed reports whether client may read a site: it must be inside the
// global list or the site's list.
func Allowed(client netip.Addr, global, site []netip.Prefix) bool {
	return client.IsValid() && (Contains(global, client) || Contains(site, client))
}
