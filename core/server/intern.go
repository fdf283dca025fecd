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
// schedule copy and format nothing.
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
	interned.mu.Lock()
	if len(interned.uas) >= maxInterned {
		clear(interned.uas)
	}
	interned.uas[s] = s
	interned.mu.Unlock()
	return s
}

// addrString returns a.String(), the same string for the same address.
func addrString(a netip.Addr) string {
	interned.mu.RLock()
	s, ok := interned.addrs[a]
	interned.mu.RUnlock()
	if ok {
		return s
	}
	s = a.String()
	interned.mu.Lock()
	if len(interned.addrs) >= maxInterned {
		clear(interned.addrs)
	}
	interned.addrs[a] = s
	interned.mu.Unlock()
	return s
}
