package cache

import (
	"context"
	"time"
)

// DefaultMemoryBytes is the byte budget of a Memory created with a
// non-positive size.
const DefaultMemoryBytes int64 = 64 << 20

// entryOverhead is the bookkeeping cost charged per entry on top of its key
// and value, so that many tiny entries cannot exceed the budget unnoticed.
const entryOverhead = 96

// Memory is the in-process byte cache: the byte-slice form of LRU, bounded
// by a total byte budget, with a TTL per entry checked on Get. Every
// operation is O(1) (eviction is O(1) per evicted entry). The zero value is
// not usable; call NewMemory.
type Memory struct {
	lru      *LRU[string, []byte]
	maxBytes int64
}

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
	return &Memory{maxBytes: maxBytes, lru: NewLRU(LRUOptions[string, []byte]{MaxBytes: maxBytes, SizeOf: memorySize})}
}

func memorySize(key string, value []byte) int64 { return int64(len(key)+len(value)) + entryOverhead }

// Get returns the value stored under key. The returned slice is shared with
// the cache and must not be modified.
func (m *Memory) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, _, ok, err := m.GetWithExpiry(ctx, key)
	return v, ok, err
}

// GetWithExpiry is Get that also returns the entry's expiry (zero: never).
func (m *Memory) GetWithExpiry(_ context.Context, key string) ([]byte, time.Time, bool, error) {
	v, expires, ok := m.lru.GetWithExpiry(key)
	return v, expires, ok, nil
}

// Set stores a copy of value under key for ttl (<= 0: no expiry), evicting
// least recently used entries as needed. An entry larger than the whole
// budget is not stored (and any older value under key is dropped).
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.lru.Set(key, append([]byte(nil), value...), ttl)
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (m *Memory) Delete(_ context.Context, key string) error {
	m.lru.Delete(key)
	return nil
}

// Stats returns the current counters.
func (m *Memory) Stats() MemoryStats {
	st := m.lru.Stats()
	return MemoryStats{
		Hits: st.Hits, Misses: st.Misses, Evictions: st.Evictions, Expired: st.Expired, Rejected: st.Rejected,
		Entries: st.Entries, Bytes: st.Bytes, MaxBytes: m.maxBytes,
	}
}
