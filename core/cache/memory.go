package cache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// DefaultMemoryBytes is the byte budget of a Memory created with a
// non-positive size.
const DefaultMemoryBytes int64 = 64 << 20

// entryOverhead is the bookkeeping cost charged per entry on top of its key
// and value, so that many tiny entries cannot exceed the budget unnoticed.
const entryOverhead = 96

// Memory is the in-process cache: an LRU bounded by a total byte budget, with
// a TTL per entry checked on Get. Every operation is O(1) (eviction is O(1)
// per evicted entry). The zero value is not usable; call NewMemory.
type Memory struct {
	mu       sync.Mutex
	maxBytes int64
	bytes    int64
	items    map[string]*list.Element // of *memEntry
	lru      *list.List               // front = most recently used

	hits, misses, evictions, expired, rejected uint64
}

type memEntry struct {
	key     string
	value   []byte
	expires time.Time // zero: never
}

func (e *memEntry) size() int64 { return int64(len(e.key)+len(e.value)) + entryOverhead }

// MemoryStats is a snapshot of a Memory's counters.
type MemoryStats struct {
	Hits      uint64 // Get found a live entry
	Misses    uint64 // Get found nothing or an expired entry
	Evictions uint64 // entries dropped to stay within the byte budget
	Expired   uint64 // entries found expired by Get and removed
	Rejected  uint64 // Sets not stored because the entry alone exceeds the budget
	Entries   int
	Bytes     int64 // charged bytes: keys, values and a fixed overhead per entry
	MaxBytes  int64
}

// NewMemory returns an empty Memory holding at most maxBytes (keys, values
// and a small fixed overhead per entry). maxBytes <= 0 means
// DefaultMemoryBytes.
func NewMemory(maxBytes int64) *Memory {
	if maxBytes <= 0 {
		maxBytes = DefaultMemoryBytes
	}
	return &Memory{maxBytes: maxBytes, items: make(map[string]*list.Element), lru: list.New()}
}

// Get returns the value stored under key. The returned slice is shared with
// the cache and must not be modified.
func (m *Memory) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, _, ok, err := m.GetWithExpiry(ctx, key)
	return v, ok, err
}

// GetWithExpiry is Get that also returns the entry's expiry (zero: never).
func (m *Memory) GetWithExpiry(_ context.Context, key string) ([]byte, time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.items[key]
	if !ok {
		m.misses++
		return nil, time.Time{}, false, nil
	}
	e := el.Value.(*memEntry)
	if !e.expires.IsZero() && !time.Now().Before(e.expires) {
		m.remove(el)
		m.expired++
		m.misses++
		return nil, time.Time{}, false, nil
	}
	m.lru.MoveToFront(el)
	m.hits++
	return e.value, e.expires, true, nil
}

// Set stores a copy of value under key for ttl (<= 0: no expiry), evicting
// least recently used entries as needed. An entry larger than the whole
// budget is not stored (and any older value under key is dropped).
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	e := &memEntry{key: key, value: append([]byte(nil), value...)}
	if ttl > 0 {
		e.expires = time.Now().Add(ttl)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.items[key]; ok {
		m.remove(old)
	}
	if e.size() > m.maxBytes {
		m.rejected++
		return nil
	}
	m.items[key] = m.lru.PushFront(e)
	m.bytes += e.size()
	for m.bytes > m.maxBytes {
		m.remove(m.lru.Back())
		m.evictions++
	}
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (m *Memory) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.items[key]; ok {
		m.remove(el)
	}
	return nil
}

// Stats returns the current counters.
func (m *Memory) Stats() MemoryStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return MemoryStats{
		Hits: m.hits, Misses: m.misses, Evictions: m.evictions, Expired: m.expired, Rejected: m.rejected,
		Entries: len(m.items), Bytes: m.bytes, MaxBytes: m.maxBytes,
	}
}

// remove unlinks el; the caller holds m.mu.
func (m *Memory) remove(el *list.Element) {
	e := m.lru.Remove(el).(*memEntry)
	delete(m.items, e.key)
	m.bytes -= e.size()
}
