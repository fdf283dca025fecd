package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// DefaultRetryAfter is how long a failing shared store is left alone when
// Backoff.RetryAfter is zero.
const DefaultRetryAfter = time.Second

// ErrBackingOff is returned by Get, without trying the store, while a
// Backoff leaves a failed shared store alone.
var ErrBackingOff = errors.New("cache: shared store unavailable; retried later")

// Backoff is a shared store (memcached) whose reads a failure stops for
// RetryAfter, so that a dead server costs at most one failed read per
// interval rather than one per request: meanwhile Get returns
// ErrBackingOff at once, and callers treat any error as a miss. Writes
// are always tried, since a value not written is lost to the other
// processes (a slow write is finished in the background by Memcached); a
// write that succeeds ends the pause. A failure caused by the caller's
// context ending says nothing about the store and is not counted. Create
// it with NewBackoff.
type Backoff struct {
	store      Store
	retryAfter time.Duration
	logger     *slog.Logger
	now        func() time.Time

	mu       sync.Mutex
	lastErr  error // non-nil while the store is out of use
	failedAt time.Time
}

// NewBackoff returns store behind a back-off of retryAfter (<= 0:
// DefaultRetryAfter). logger, when set, receives one line per change of
// health. A store that is a *Backoff already is returned as it is; a nil
// store gives nil.
func NewBackoff(store Store, retryAfter time.Duration, logger *slog.Logger) *Backoff {
	if b, ok := store.(*Backoff); ok || store == nil {
		return b
	}
	if retryAfter <= 0 {
		retryAfter = DefaultRetryAfter
	}
	return &Backoff{store: store, retryAfter: retryAfter, logger: logger, now: time.Now}
}

// Get reads the store unless it is out of use.
func (b *Backoff) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if !b.inUse() {
		return nil, false, ErrBackingOff
	}
	v, ok, err := b.store.Get(ctx, key)
	b.record(ctx, err)
	return v, ok, err
}

// deferrer is a Store whose writes may be handed to the background when
// they time out (Memcached): such a write has not succeeded yet.
type deferrer interface {
	setOrDefer(ctx context.Context, key string, value []byte, ttl time.Duration) (deferred bool, err error)
}

// Set writes the store, and records the outcome. A write the store hands
// to the background is recorded as neither: it does not end a pause,
// since the store did not answer in time.
func (b *Backoff) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	d, ok := b.store.(deferrer)
	if !ok {
		err := b.store.Set(ctx, key, value, ttl)
		b.record(ctx, err)
		return err
	}
	deferred, err := d.setOrDefer(ctx, key, value, ttl)
	if !deferred {
		b.record(ctx, err)
	}
	return err
}

// Delete always tries the store, since the value may otherwise still be
// served by other processes, and reports its failure.
func (b *Backoff) Delete(ctx context.Context, key string) error {
	err := b.store.Delete(ctx, key)
	b.record(ctx, err)
	return err
}

// Ping checks the store when it can be pinged and records the result, so
// a status probe also brings a recovered store back into use.
func (b *Backoff) Ping(ctx context.Context) error {
	p, ok := b.store.(Pinger)
	if !ok {
		return nil
	}
	err := p.Ping(ctx)
	b.record(ctx, err)
	if err != nil {
		return fmt.Errorf("cache: shared store ping: %w", err)
	}
	return nil
}

// Healthy reports whether the last operation on the store succeeded.
func (b *Backoff) Healthy() bool { return b.LastError() == nil }

// LastError returns the error of the last operation while the store is
// unhealthy, and nil once an operation succeeds again.
func (b *Backoff) LastError() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastErr
}

// inUse reports whether the store should be read now.
func (b *Backoff) inUse() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastErr == nil || b.now().Sub(b.failedAt) >= b.retryAfter
}

// record notes the outcome of an operation on the store.
func (b *Backoff) record(ctx context.Context, err error) {
	if err != nil && (ctx.Err() != nil || errors.Is(err, ErrValueTooLarge)) {
		return // the caller's doing, or the value's: not the store's
	}
	b.mu.Lock()
	was := b.lastErr
	b.lastErr = err
	if err != nil {
		b.failedAt = b.now()
	}
	b.mu.Unlock()
	if b.logger == nil {
		return
	}
	switch {
	case was == nil && err != nil:
		b.logger.Warn("shared cache unavailable, serving from the process cache", "err", err)
	case was != nil && err == nil:
		b.logger.Info("shared cache available again")
	}
}
