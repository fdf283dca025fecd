package export

import (
	"container/list"
	"sync"
	"time"
)

// lru keeps decoded values in process, bounded by the total of their
// sizes. Entries may carry an expiry; zero means none.
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
		c.remove(el)
		var zero V
		return zero, false
	}
	c.ll.MoveToFront(el)
	return e.v, true
}

func (c *lru[V]) set(key string, v V, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	e := &lruEntry[V]{key: key, v: v, size: c.sizeOf(v), expires: expires}
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
