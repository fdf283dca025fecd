package cache

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Defaults of Tiered.
const (
	DefaultFillTTL    = 30 * time.Second
	DefaultRetryAfter = time.Second
)

// Tiered puts a process-local store (L1, a Memory) in front of a shared one
// (L2, a Memcached, or nil for none). L2 failures never fail an operation:
// they mark L2 unhealthy, Get and Set carry on with L1, and while unhealthy
// L2 is tried again only every RetryAfter, so a dead server costs at most one
// timeout per interval. Use a *Tiered; it must not be copied after first use.
type Tiered struct {
	L1 Store
	L2 Store // nil: L1 only

	// FillTTL is the L1 lifetime of an L2 hit whose expiry L2 cannot
	// report (default 30 s). Stores of this package report it, and the
	// copy keeps the remaining lifetime.
	FillTTL time.Duration
	// RetryAfter is how long an unhealthy L2 is left alone (default 1 s).
	RetryAfter time.Duration
	// Logger, when set, receives one line per health change of L2.
	Logger *slog.Logger

	mu       sync.Mutex
	lastErr  error // non-nil while L2 is unhealthy
	failedAt time.Time
}

// Get returns the L1 value, else the L2 value (copied into L1). An L2 error
// is recorded and reads as a miss.
func (t *Tiered) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := t.L1.Get(ctx, key)
	if err != nil {
		return nil, false, fmt.Errorf("cache: tiered get: %w", err)
	}
	if ok || !t.useL2() {
		return v, ok, nil
	}
	ttl, keep := t.fillTTL(), true
	if es, isES := t.L2.(ExpiryStore); isES {
		var expires time.Time
		v, expires, ok, err = es.GetWithExpiry(ctx, key)
		ttl = 0 // no expiry
		if !expires.IsZero() {
			ttl = time.Until(expires)
			// An expired copy (the writer's clock is ahead) is served
			// once but not kept.
			keep = ttl > 0
		}
	} else {
		v, ok, err = t.L2.Get(ctx, key)
	}
	t.record(ctx, err)
	if err != nil || !ok {
		return nil, false, nil
	}
	if keep {
		_ = t.L1.Set(ctx, key, v, ttl)
	}
	return v, true, nil
}

// Set writes L1 and then L2. Only an L1 failure is returned; an L2 failure
// is recorded for Healthy.
func (t *Tiered) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := t.L1.Set(ctx, key, value, ttl); err != nil {
		return fmt.Errorf("cache: tiered set: %w", err)
	}
	if t.useL2() {
		t.record(ctx, t.L2.Set(ctx, key, value, ttl))
	}
	return nil
}

// Delete removes key from both levels. Unlike Get and Set it reports an L2
// failure, since the value may then still be served by other processes.
func (t *Tiered) Delete(ctx context.Context, key string) error {
	if err := t.L1.Delete(ctx, key); err != nil {
		return fmt.Errorf("cache: tiered delete: %w", err)
	}
	if t.L2 == nil {
		return nil
	}
	err := t.L2.Delete(ctx, key)
	t.record(ctx, err)
	if err != nil {
		return fmt.Errorf("cache: tiered delete: %w", err)
	}
	return nil
}

// Ping checks L2 when it can be pinged and records the result, so a status
// probe also refreshes Healthy. Without L2 it returns nil.
func (t *Tiered) Ping(ctx context.Context) error {
	p, ok := t.L2.(Pinger)
	if !ok {
		return nil
	}
	err := p.Ping(ctx)
	t.record(ctx, err)
	if err != nil {
		return fmt.Errorf("cache: tiered ping: %w", err)
	}
	return nil
}

// Healthy reports whether the last L2 operation succeeded (true without L2).
func (t *Tiered) Healthy() bool {
	return t.LastError() == nil
}

// LastError returns the error of the last L2 operation while L2 is
// unhealthy, and nil once an operation succeeds again.
func (t *Tiered) LastError() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastErr
}

// Shared returns the level shared by every process: L2, or L1 without it.
// A Namespace keeps its generations there.
func (t *Tiered) Shared() Store {
	if t.L2 != nil {
		return t.L2
	}
	return t.L1
}

// useL2 reports whether L2 should be tried now.
func (t *Tiered) useL2() bool {
	if t.L2 == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastErr == nil || time.Since(t.failedAt) >= t.retryAfter()
}

// record notes the outcome of an L2 operation. A failure caused by the
// caller's context ending says nothing about L2 and is not recorded.
func (t *Tiered) record(ctx context.Context, err error) {
	if err != nil && ctx.Err() != nil {
		return
	}
	t.mu.Lock()
	was := t.lastErr
	t.lastErr = err
	if err != nil {
		t.failedAt = time.Now()
	}
	t.mu.Unlock()
	if t.Logger == nil {
		return
	}
	switch {
	case was == nil && err != nil:
		t.Logger.Warn("shared cache unavailable, serving from the process cache", "err", err)
	case was != nil && err == nil:
		t.Logger.Info("shared cache available again")
	}
}

func (t *Tiered) fillTTL() time.Duration {
	if t.FillTTL > 0 {
		return t.FillTTL
	}
	return DefaultFillTTL
}

func (t *Tiered) retryAfter() time.Duration {
	if t.RetryAfter > 0 {
		return t.RetryAfter
	}
	return DefaultRetryAfter
}
