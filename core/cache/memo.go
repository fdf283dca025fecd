package cache

import "sync"

// Memo is a bounded map for values worked out once and read on every
// request: a hit takes only a read lock, and a full Memo is emptied
// before the next Put, so keys that never repeat cannot grow it. It is
// safe for concurrent use. Unlike LRU it keeps no order and no expiry.
type Memo[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]V
	max int
}

// NewMemo returns a Memo holding at most maxEntries (at least 1).
func NewMemo[K comparable, V any](maxEntries int) *Memo[K, V] {
	return &Memo[K, V]{m: make(map[K]V), max: max(1, maxEntries)}
}

// Get returns the value remembered for k.
func (m *Memo[K, V]) Get(k K) (V, bool) {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	return v, ok
}

// Put remembers v for k, first forgetting everything if the Memo is full.
func (m *Memo[K, V]) Put(k K, v V) {
	m.mu.Lock()
	if _, ok := m.m[k]; !ok && len(m.m) >= m.max {
		clear(m.m)
	}
	m.m[k] = v
	m.mu.Unlock()
}

// GetOrPut returns the value remembered for k, or remembers and returns
// make's.
func (m *Memo[K, V]) GetOrPut(k K, make func() V) V {
	if v, ok := m.Get(k); ok {
		return v
	}
	v := make()
	m.Put(k, v)
	return v
}

// Len is how many values are remembered.
func (m *Memo[K, V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.m)
}
