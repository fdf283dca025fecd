package cache

import (
	"context"
	"time"
)

// Unwrap returns the store behind the back-off, so that LeaserOf finds
// the leases of a memcached behind it.
func (b *Backoff) Unwrap() Store { return b.store }

// Leaser returns the leases of the store behind b, paused with its reads:
// while the store is out of use, Lease fails at once with ErrBackingOff
// (the caller then works without a lease, as with the store down) rather
// than waiting for a dead server's timeout at every build. Lease
// failures count as the store's failures. nil when the store grants no
// leases.
func (b *Backoff) Leaser() Leaser {
	if b == nil {
		return nil
	}
	l := LeaserOf(b.store)
	if l == nil {
		return nil
	}
	return backoffLeaser{b: b, l: l}
}

type backoffLeaser struct {
	b *Backoff
	l Leaser
}

func (bl backoffLeaser) Lease(ctx context.Context, key, holder string, ttl time.Duration) (bool, error) {
	if !bl.b.inUse() {
		return false, ErrBackingOff
	}
	ok, err := bl.l.Lease(ctx, key, holder, ttl)
	bl.b.record(ctx, err)
	return ok, err
}

func (bl backoffLeaser) RenewLease(ctx context.Context, key, holder string, ttl time.Duration) (bool, error) {
	ok, err := bl.l.RenewLease(ctx, key, holder, ttl)
	bl.b.record(ctx, err)
	return ok, err
}

func (bl backoffLeaser) ReleaseLease(ctx context.Context, key, holder string) error {
	err := bl.l.ReleaseLease(ctx, key, holder)
	bl.b.record(ctx, err)
	return err
}
