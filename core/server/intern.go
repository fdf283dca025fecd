package server

import (
	"net/netip"
	"sync"
)

// maxInterned bounds each table of interned strings. Only authenticated
// requests add to them, and a full table is emptied, so a client sending
// ever new values costs the tables nothing but their hits.
const maxInterned = 1024

// interned hands out one string per User-Agent and per client address,
// so the pull record and the access log of a device pulling on a
// schedule copy and format nothing. It is not a cache.Memo because a
// User-Agent is looked up by the request's bytes, which only an index
// expression of the map itself can do without copying them.
var interned = struct {
	mu    sync.RWMutex
	uas   map[string]string
	addrs map[netip.Addr]string
}{uas: make(map[string]string), addrs: make(map[netip.Addr]string)}

// internUA returns b as a string, the same one for the same bytes.
func internUA(b []byte) string {
	interned.mu.RLock()
	s, ok := interned.uas[string(b)]
	interned.mu.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	return intern(interned.uas, s, s)
}

// addrString returns a.String(), the same string for the same address.
func addrString(a netip.Addr) string {
	interned.mu.RLock()
	s, ok := interned.addrs[a]
	interned.mu.RUnlock()
	if ok {
		return s
	}
	return intern(interned.addrs, a, a.String())
}

// intern adds s under k to m, one of the tables, emptying it first when
// it is full, and returns s.
func intern[K comparable](m map[K]string, k K, s string) string {
	interned.mu.Lock()
	if len(m) >= maxInterned {
		clear(m)
	}
	m[k] = s
	interned.mu.Unlock()
	return s
}
