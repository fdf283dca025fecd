package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
)

// Leaser grants leases: a claim on a key that at most one holder has at a
// time, among every process sharing the store. A lease expires by itself
// after its ttl, so a holder that dies never blocks the others for longer;
// a live holder renews it while its work lasts and releases it when done.
// Renewing and releasing only act while the lease is still the caller's:
// once it has expired and another holder took it, they change nothing.
//
// A holder is any non-empty string that names one claim; using a new one
// per claim (a process id and a counter) keeps two claims of one process
// apart.
type Leaser interface {
	// Lease claims key for holder for ttl (> 0). It reports false when
	// another claim holds key, including an earlier one by the same
	// holder: a lease is not re-entrant.
	Lease(ctx context.Context, key, holder string, ttl time.Duration) (bool, error)
	// RenewLease makes holder's lease on key last ttl from now. It reports
	// false when key is no longer leased by holder.
	RenewLease(ctx context.Context, key, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease ends holder's lease on key, and does nothing when key
	// is not leased by holder.
	ReleaseLease(ctx context.Context, key, holder string) error
}

// leaseKeyPrefix keeps the lease on a key apart from the key's value.
const leaseKeyPrefix = "lease\x00"

// maxHolderLen bounds a holder name, which is stored as the lease's value.
const maxHolderLen = 250

// errLeaseArgs is returned for a lease without expiry or holder.
var errLeaseArgs = errors.New("a lease needs a holder of 1 to 250 bytes and a ttl above zero")

func checkLease(ctx context.Context, holder string, ttl time.Duration) error {
	if holder == "" || len(holder) > maxHolderLen || ttl <= 0 {
		return errLeaseArgs
	}
	return ctx.Err()
}

// Lease claims key for holder with memcached's add, which stores only when
// no item exists: the servers decide who wins a race. The item expires
// after ttl, rounded up to whole seconds.
func (m *Memcached) Lease(ctx context.Context, key, holder string, ttl time.Duration) (bool, error) {
	if err := checkLease(ctx, holder, ttl); err != nil {
		return false, fmt.Errorf("cache: memcached lease: %w", err)
	}
	exp, _ := expiration(ttl, time.Now())
	granted, err := m.addItem(&memcache.Item{Key: m.itemKey(leaseKeyPrefix + key), Value: []byte(holder), Expiration: exp})
	if err != nil {
		return false, fmt.Errorf("cache: memcached lease: %w", err)
	}
	return granted, nil
}

// RenewLease rewrites holder's lease with a new expiry, by compare-and-swap
// so that a lease taken over by another holder meanwhile is left alone.
func (m *Memcached) RenewLease(ctx context.Context, key, holder string, ttl time.Duration) (bool, error) {
	if err := checkLease(ctx, holder, ttl); err != nil {
		return false, fmt.Errorf("cache: memcached renew lease: %w", err)
	}
	exp, _ := expiration(ttl, time.Now())
	ok, err := m.swapLease(key, holder, exp)
	if err != nil {
		return false, fmt.Errorf("cache: memcached renew lease: %w", err)
	}
	return ok, nil
}

// ReleaseLease makes holder's lease expire at once, by compare-and-swap
// (memcached reads a negative expiration as already past), so that a lease
// that expired and was taken by another holder is not ended by mistake.
func (m *Memcached) ReleaseLease(ctx context.Context, key, holder string) error {
	if err := checkLease(ctx, holder, time.Second); err != nil {
		return fmt.Errorf("cache: memcached release lease: %w", err)
	}
	if _, err := m.swapLease(key, holder, -1); err != nil {
		return fmt.Errorf("cache: memcached release lease: %w", err)
	}
	return nil
}

// swapLease gives the lease item of key the expiration exp if holder holds
// it, and reports whether it did.
func (m *Memcached) swapLease(key, holder string, exp int32) (bool, error) {
	it, err := m.client.Get(m.itemKey(leaseKeyPrefix + key))
	if errors.Is(err, memcache.ErrCacheMiss) {
		return false, nil
	}
	if err != nil {
		m.failed()
		return false, err
	}
	if string(it.Value) != holder {
		return false, nil
	}
	it.Expiration = exp
	err = m.client.CompareAndSwap(it)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, memcache.ErrCASConflict), errors.Is(err, memcache.ErrNotStored):
		return false, nil // changed or gone since it was read: not ours any more
	}
	m.failed()
	return false, err
}

// LeaserOf returns the Leaser behind a shared store: the store itself, or
// the store a wrapper returns from an Unwrap() Store method, followed
// until one grants leases; nil when none does (no store, or one only this
// process uses), in which case a caller has no other process to exclude
// and simply does its work.
func LeaserOf(store Store) Leaser {
	for store != nil {
		if l, ok := store.(Leaser); ok {
			return l
		}
		w, ok := store.(interface{ Unwrap() Store })
		if !ok {
			return nil
		}
		store = w.Unwrap()
	}
	return nil
}
