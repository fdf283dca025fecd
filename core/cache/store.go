package cache

import (
	"context"
	"time"
)

// Store is a byte-level cache. Implementations are safe for concurrent use.
//
// A miss is (nil, false, nil). Values returned by Get are shared and must not
// be modified. A ttl <= 0 means the entry does not expire, although it may
// still be evicted: a cache may forget anything at any time.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Delete(ctx context.Context, key string) error
}

// ExpiryStore is a Store that also reports when an entry expires, so that a
// copy into another level can keep the remaining lifetime. A zero expiry
// means the entry does not expire.
type ExpiryStore interface {
	Store
	GetWithExpiry(ctx context.Context, key string) (value []byte, expires time.Time, ok bool, err error)
}

// Pinger is a Store that can check that its backend is reachable and
// writable.
type Pinger interface {
	Ping(ctx context.Context) error
}
