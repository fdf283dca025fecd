package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
)

// Adder is a Store that can store a value only where its key has none, as
// one atomic step for every process sharing the store, so that processes
// racing to create a value agree on the first one written.
type Adder interface {
	// Add stores value under key for ttl (<= 0: no expiry) unless key has
	// a value, and reports whether it stored it.
	Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
}

// Add stores a value that fits one item under key with memcached's add.
// A value too large for one item is refused with an error.
func (m *Memcached) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("cache: memcached add: %w", err)
	}
	if 1+len(value) > m.chunkSize {
		return false, fmt.Errorf("cache: memcached add: a value of %d bytes does not fit one item", len(value))
	}
	exp, expires := expiration(ttl, time.Now())
	inline := append([]byte{tagInline}, value...)
	added, err := m.addItem(&memcache.Item{Key: m.itemKey(key), Value: inline, Flags: flagsFromExpiry(expires), Expiration: exp})
	if err != nil {
		return false, fmt.Errorf("cache: memcached add: %w", err)
	}
	return added, nil
}

// addItem stores it unless its key has an item, and reports whether it
// did; only a network or server failure is an error.
func (m *Memcached) addItem(it *memcache.Item) (bool, error) {
	err := m.client.Add(it)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, memcache.ErrNotStored):
		return false, nil
	}
	m.failed()
	return false, err
}
