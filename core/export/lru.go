package export

import (
	"container/list"
	"sync"
	"time"
)

// lru keeps decoded values in process, bounded by the total of their
// sizes. Entries may carry an expiry; zero means none. An entry may be
// kept past its expiry (setKeep) for peek: a list served while rebuilt.
type lru[V any] struct {
	mu       sync.Mutex
	max      int64
	size     int64
	sizeOf   func(V) int64
	ll       *list.List
	byKey    map[string]*list.Element
	keepLast bool // never evict the last entry (a last-known-good list)
}

type lruEntry[V any] struct {
	key     string
	v       V
	size    int64
	expires time.Time
	keep    time.Time // when the entry is dropped; after expires
}

func newLRU[V any](maxBytes int64, sizeOf func(V) int64) *lru[V] {
	return &lru[V]{max: maxBytes, sizeOf: sizeOf, ll: list.New(), byKey: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	e := el.Value.(*lruEntry[V])
	if !e.expires.IsZero() && !now.Before(e.expires) {
		if !now.Before(e.keep) {
			c.remove(el)
		}
		var zero V
		return zero, false
	}
	c.ll.MoveToFront(el)
	return e.v, true
}

// peek returns the entry of key, expired or not, with its expiry, unless
// it is past the time it is kept until.
func (c *lru[V]) peek(key string, now time.Time) (V, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, time.Time{}, false
	}
	e := el.Value.(*lruEntry[V])
	if !e.keep.IsZero() && !now.Before(e.keep) {
		c.remove(el)
		var zero V
		return zero, time.Time{}, false
	}
	c.ll.MoveToFront(el)
	return e.v, e.expires, true
}

func (c *lru[V]) set(key string, v V, expires time.Time) { c.setKeep(key, v, expires, expires) }

// setKeep stores v, expiring at expires, and kept for peek until keep.
func (c *lru[V]) setKeep(key string, v V, expires, keep time.Time) {
	if keep.Before(expires) {
		keep = expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	e := &lruEntry[V]{key: key, v: v, size: c.sizeOf(v), expires: expires, keep: keep}
	c.byKey[key] = c.ll.PushFront(e)
	c.size += e.size
	for c.size > c.max && c.ll.Len() > 1 {
		c.remove(c.ll.Back())
	}
	if c.size > c.max && !c.keepLast {
		c.remove(c.ll.Back())
	}
}

func (c *lru[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	clear(c.byKey)
	c.size = 0
}

func (c *lru[V]) remove(el *list.Element) {
	e := c.ll.Remove(el).(*lruEntry[V])
	delete(c.byKey, e.key)
	c.size -= e.size
}

func artifactSize(a *Artifact) int64 { return int64(len(a.Body)) + 256 }

// snapshotSize estimates the memory a snapshot holds.
func snapshotSize(s *Snapshot) int64 {
	n := int64(256)
	for i := range s.Indicators {
		in := &s.Indicators[i]
		n += int64(len(in.Value)+len(in.UUID)) + 112
	}
	return n
}
