package cache

import (
	"container/list"
	"iter"
	"sync"
	"time"
)

// DefaultLRUItems is the item budget of an LRU given neither a byte nor an
// item budget: every LRU is bounded.
const DefaultLRUItems = 10000

// LRUOptions configure an LRU. At least one budget should be set; with
// neither, MaxItems is DefaultLRUItems.
type LRUOptions[K comparable, V any] struct {
	// MaxBytes bounds the total of SizeOf over the entries (0: no byte
	// budget).
	MaxBytes int64
	// MaxItems bounds the number of entries (0: no item budget).
	MaxItems int
	// SizeOf is what an entry is charged against MaxBytes (nil: 1).
	SizeOf func(K, V) int64
	// Clock is the time expiries are compared with (nil: time.Now).
	Clock func() time.Time
	// KeepLast keeps the most recent entry even when it alone is over
	// MaxBytes (a last good copy); otherwise such an entry is not stored.
	KeepLast bool
	// Dropped, when set, is called with every value the LRU lets go:
	// evicted, expired, replaced, deleted or cleared, and a value Set
	// refused. It runs with the LRU locked: it must be quick and must not
	// call the LRU.
	Dropped func(K, V)
}

// LRUStats are an LRU's counters and size.
type LRUStats struct {
	Hits      uint64 // a Get found a live entry
	Misses    uint64 // a Get found nothing, or an expired entry
	Evictions uint64 // entries dropped to stay within a budget
	Expired   uint64 // entries found past their keep time and removed
	Rejected  uint64 // Sets not stored: the entry alone is over MaxBytes
	Entries   int
	Bytes     int64 // the total charged by SizeOf
}

// LRU is a map bounded by a byte or an item budget (or both) that drops
// its least recently used entries first. An entry may expire; an expired
// entry may be kept for Peek until a later time (a list served while it
// is rebuilt). It is safe for concurrent use; the zero value is not: call
// NewLRU.
type LRU[K comparable, V any] struct {
	mu    sync.Mutex
	opts  LRUOptions[K, V]
	ll    *list.List // of *lruEntry; front = most recently used
	byKey map[K]*list.Element
	stats LRUStats
}

type lruEntry[K comparable, V any] struct {
	key     K
	v       V
	size    int64
	expires time.Time // zero: never
	keep    time.Time // when an expired entry is dropped; not before expires
}

// NewLRU returns an empty LRU.
func NewLRU[K comparable, V any](opts LRUOptions[K, V]) *LRU[K, V] {
	if opts.MaxBytes <= 0 && opts.MaxItems <= 0 {
		opts.MaxItems = DefaultLRUItems
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	return &LRU[K, V]{opts: opts, ll: list.New(), byKey: make(map[K]*list.Element)}
}

// Get returns the live (unexpired) value of key.
func (c *LRU[K, V]) Get(key K) (V, bool) {
	v, _, ok := c.GetWithExpiry(key)
	return v, ok
}

// GetWithExpiry is Get that also returns the entry's expiry (zero: never).
func (c *LRU[K, V]) GetWithExpiry(key K) (V, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.find(key, false)
	if !ok {
		c.stats.Misses++
		var zero V
		return zero, time.Time{}, false
	}
	c.stats.Hits++
	return e.v, e.expires, true
}

// Peek returns the value of key expired or not, with its expiry, unless
// it is past the time it is kept until.
func (c *LRU[K, V]) Peek(key K) (V, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.find(key, true)
	if !ok {
		var zero V
		return zero, time.Time{}, false
	}
	return e.v, e.expires, true
}

// find returns the entry of key, made the most recently used: a live one,
// or with expired also one past its expiry but within its keep time. An
// entry past its keep time is removed. The caller holds c.mu.
func (c *LRU[K, V]) find(key K, expired bool) (*lruEntry[K, V], bool) {
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*lruEntry[K, V])
	if !e.expires.IsZero() {
		now := c.opts.Clock()
		if !now.Before(e.keep) {
			c.remove(el)
			c.stats.Expired++
			return nil, false
		}
		if !expired && !now.Before(e.expires) {
			return nil, false
		}
	}
	c.ll.MoveToFront(el)
	return e, true
}

// Set stores v under key for ttl (<= 0: no expiry). It reports whether v
// was stored.
func (c *LRU[K, V]) Set(key K, v V, ttl time.Duration) bool {
	var expires time.Time
	if ttl > 0 {
		expires = c.opts.Clock().Add(ttl)
	}
	return c.SetUntil(key, v, expires, expires)
}

// SetUntil stores v under key, live until expires (zero: never) and kept
// for Peek until keep (at least expires). It replaces any older value of
// key, and drops least recently used entries to stay within the budgets.
// An entry over MaxBytes on its own is not stored, unless KeepLast; it
// reports whether v was stored.
func (c *LRU[K, V]) SetUntil(key K, v V, expires, keep time.Time) bool {
	if keep.Before(expires) || expires.IsZero() {
		keep = expires
	}
	size := c.sizeOf(key, v)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.store(key, v, size, expires, keep)
}

// sizeOf is what key and v are charged.
func (c *LRU[K, V]) sizeOf(key K, v V) int64 {
	if c.opts.SizeOf == nil {
		return 1
	}
	return c.opts.SizeOf(key, v)
}

// store is SetUntil with the size known; the caller holds c.mu.
func (c *LRU[K, V]) store(key K, v V, size int64, expires, keep time.Time) bool {
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	if c.opts.MaxBytes > 0 && size > c.opts.MaxBytes && !c.opts.KeepLast {
		c.stats.Rejected++
		c.dropped(key, v)
		return false
	}
	c.byKey[key] = c.ll.PushFront(&lruEntry[K, V]{key: key, v: v, size: size, expires: expires, keep: keep})
	c.stats.Bytes += size
	for c.over() && c.ll.Len() > 1 {
		c.remove(c.ll.Back())
		c.stats.Evictions++
	}
	return true
}

// LoadOrStore returns the value of key when it has one that does not
// expire (true); otherwise it stores v, with no expiry, and returns it
// (false). The two steps are one: concurrent callers get the same value.
func (c *LRU[K, V]) LoadOrStore(key K, v V) (V, bool) {
	size := c.sizeOf(key, v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		if e := el.Value.(*lruEntry[K, V]); e.expires.IsZero() {
			c.ll.MoveToFront(el)
			c.stats.Hits++
			return e.v, true
		}
	}
	c.stats.Misses++
	c.store(key, v, size, time.Time{}, time.Time{})
	return v, false
}

// Recharge charges key's entry what SizeOf says of it now, for a value
// that has grown or shrunk in place, marks it the most recently used, and
// drops the least recently used others to stay within the budgets. An
// entry that alone is over MaxBytes is dropped too, unless KeepLast. It
// reports whether key is held afterwards. SizeOf runs with the LRU
// locked.
func (c *LRU[K, V]) Recharge(key K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return false
	}
	e := el.Value.(*lruEntry[K, V])
	size := c.sizeOf(key, e.v)
	c.stats.Bytes += size - e.size
	e.size = size
	c.ll.MoveToFront(el)
	if c.opts.MaxBytes > 0 && size > c.opts.MaxBytes && !c.opts.KeepLast {
		c.remove(el)
		c.stats.Rejected++
		return false
	}
	for c.over() && c.ll.Len() > 1 {
		c.remove(c.ll.Back())
		c.stats.Evictions++
	}
	return true
}

// Delete removes key; it reports whether it was there.
func (c *LRU[K, V]) Delete(key K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if ok {
		c.remove(el)
	}
	return ok
}

// Clear removes every entry.
func (c *LRU[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.Dropped != nil {
		for el := c.ll.Front(); el != nil; el = el.Next() {
			e := el.Value.(*lruEntry[K, V])
			c.opts.Dropped(e.key, e.v)
		}
	}
	c.ll.Init()
	clear(c.byKey)
	c.stats.Bytes = 0
}

// All yields a copy of the entries, most recently used first, expired or
// not; it does not change their recency.
func (c *LRU[K, V]) All() iter.Seq2[K, V] {
	c.mu.Lock()
	entries := make([]*lruEntry[K, V], 0, c.ll.Len())
	for el := c.ll.Front(); el != nil; el = el.Next() {
		entries = append(entries, el.Value.(*lruEntry[K, V]))
	}
	c.mu.Unlock()
	return func(yield func(K, V) bool) {
		for _, e := range entries {
			if !yield(e.key, e.v) {
				return
			}
		}
	}
}

// Len returns the number of entries.
func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// Bytes returns the total charged by SizeOf over the entries.
func (c *LRU[K, V]) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats.Bytes
}

// Stats returns the counters and current size.
func (c *LRU[K, V]) Stats() LRUStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.stats
	st.Entries = c.ll.Len()
	return st
}

// over reports whether a budget is exceeded; the caller holds c.mu.
func (c *LRU[K, V]) over() bool {
	return (c.opts.MaxBytes > 0 && c.stats.Bytes > c.opts.MaxBytes) ||
		(c.opts.MaxItems > 0 && c.ll.Len() > c.opts.MaxItems)
}

// remove unlinks el; the caller holds c.mu.
func (c *LRU[K, V]) remove(el *list.Element) {
	e := c.ll.Remove(el).(*lruEntry[K, V])
	delete(c.byKey, e.key)
	c.stats.Bytes -= e.size
	c.dropped(e.key, e.v)
}

// dropped hands a value let go to the Dropped option; the caller holds
// c.mu.
func (c *LRU[K, V]) dropped(key K, v V) {
	if c.opts.Dropped != nil {
		c.opts.Dropped(key, v)
	}
}
