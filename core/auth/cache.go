package auth

import (
	"strings"
	"sync"
	"time"
)

// cacheEntry is what a verified token maps to.
type cacheEntry struct {
	verified Verified
	expires  time.Time // the expiry date at 00:00 UTC, standing for the local date
}

// tokenCache maps verified tokens to their claims. It holds at most max
// entries and evicts the oldest insertion first. A token is its own key:
// a map hashes it faster than sha256 can, and the claims it maps to
// (MISP key included) are what the token carries anyway.
type tokenCache struct {
	mu    sync.RWMutex
	m     map[string]cacheEntry
	order []string // ring of keys in insertion order
	next  int      // oldest key once the ring is full
	max   int
}

func newTokenCache(maxEntries int) *tokenCache {
	return &tokenCache{m: make(map[string]cacheEntry), max: maxEntries}
}

func (c *tokenCache) get(k string) (cacheEntry, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	return e, ok
}

// put remembers e for k; k is copied, so it may point into a buffer the
// caller reuses.
func (c *tokenCache) put(k string, e cacheEntry) {
	k = strings.Clone(k) // an existing key is replaced too
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		c.m[k] = e
		return
	}
	if len(c.order) < c.max {
		c.order = append(c.order, k)
	} else {
		delete(c.m, c.order[c.next])
		c.order[c.next] = k
		c.next = (c.next + 1) % c.max
	}
	c.m[k] = e
}

func (c *tokenCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
