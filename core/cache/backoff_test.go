package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/internal/testtool"
)

var errDown = errors.New("backend down")

// switchStore wraps a Store that can be made to fail, and counts the calls
// that reach it.
type switchStore struct {
	inner Store
	mu    sync.Mutex
	down  bool
	calls int
}

func (s *switchStore) enter() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.down {
		return errDown
	}
	return nil
}

func (s *switchStore) setDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }
func (s *switchStore) count() int        { s.mu.Lock(); defer s.mu.Unlock(); return s.calls }

func (s *switchStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := s.enter(); err != nil {
		return nil, false, err
	}
	return s.inner.Get(ctx, key)
}

func (s *switchStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.enter(); err != nil {
		return err
	}
	return s.inner.Set(ctx, key, value, ttl)
}

func (s *switchStore) Delete(ctx context.Context, key string) error {
	if err := s.enter(); err != nil {
		return err
	}
	return s.inner.Delete(ctx, key)
}

func newTestBackoff(store Store, clock *testtool.Clock) *Backoff {
	b := NewBackoff(store, time.Second, nil)
	b.now = clock.Now
	return b
}

func TestBackoffDegradesAndRecovers(t *testing.T) {
	ctx := context.Background()
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	store := &switchStore{inner: NewMemory(1 << 20)}
	b := newTestBackoff(store, clock)
	if NewBackoff(b, 0, nil) != b || NewBackoff(nil, 0, nil) != nil {
		t.Fatal("NewBackoff wrapped a Backoff, or a nil store")
	}
	if err := b.Set(ctx, "a", []byte("1"), time.Minute); err != nil || !b.Healthy() {
		t.Fatalf("set: %v healthy=%v", err, b.Healthy())
	}
	store.setDown(true)
	if err := b.Set(ctx, "b", []byte("2"), time.Minute); !errors.Is(err, errDown) {
		t.Fatalf("set with the store down: %v", err)
	}
	if b.Healthy() || !errors.Is(b.LastError(), errDown) {
		t.Fatalf("healthy=%v last=%v after a failure", b.Healthy(), b.LastError())
	}
	calls := store.count()
	for range 20 {
		if _, ok, err := b.Get(ctx, "a"); ok || !errors.Is(err, ErrBackingOff) {
			t.Fatalf("get while backing off: %v %v", ok, err)
		}
	}
	if store.count() != calls {
		t.Errorf("store tried %d times within RetryAfter", store.count()-calls)
	}
	if err := b.Delete(ctx, "a"); !errors.Is(err, errDown) {
		t.Errorf("Delete hid a failure: %v", err)
	}
	store.setDown(false)
	clock.Advance(time.Second)
	if v, ok, err := b.Get(ctx, "a"); !ok || err != nil || string(v) != "1" {
		t.Fatalf("get after RetryAfter: %q %v %v", v, ok, err)
	}
	if !b.Healthy() {
		t.Errorf("still unhealthy after the store came back: %v", b.LastError())
	}

	// Writes are tried while reads pause; one that succeeds ends the pause.
	store.setDown(true)
	_, _, _ = b.Get(ctx, "a")
	store.setDown(false)
	calls = store.count()
	if err := b.Set(ctx, "c", []byte("3"), time.Minute); err != nil || store.count() != calls+1 {
		t.Fatalf("set while reads pause: %v, %d calls", err, store.count()-calls)
	}
	if v, ok, err := b.Get(ctx, "c"); !ok || err != nil || string(v) != "3" {
		t.Fatalf("get after a successful write: %q %v %v", v, ok, err)
	}
}

func TestBackoffIgnoresCallerCancellation(t *testing.T) {
	store := &switchStore{inner: NewMemory(1 << 20)}
	store.setDown(true)
	b := NewBackoff(store, 0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = b.Set(ctx, "k", []byte("v"), time.Minute)
	if !b.Healthy() {
		t.Error("a canceled caller marked the store unhealthy")
	}
	if err := b.Ping(context.Background()); err != nil {
		t.Errorf("ping of a store that cannot be pinged: %v", err)
	}
}

// tooLargeStore refuses every value as too large.
type tooLargeStore struct{ Store }

func (tooLargeStore) Set(context.Context, string, []byte, time.Duration) error {
	return fmt.Errorf("cache: chunk: value of 1 bytes: %w", ErrValueTooLarge)
}

func TestBackoffValueTooLargeIsNoFailure(t *testing.T) {
	b := NewBackoff(tooLargeStore{NewMemory(1 << 20)}, time.Minute, nil)
	if err := b.Set(context.Background(), "k", []byte("v"), time.Minute); !errors.Is(err, ErrValueTooLarge) {
		t.Fatalf("set: %v, want ErrValueTooLarge", err)
	}
	if !b.Healthy() {
		t.Fatalf("a value too large marked the store unhealthy: %v", b.LastError())
	}
	if _, _, err := b.Get(context.Background(), "k"); err != nil {
		t.Errorf("get after a value too large: %v, want the store still read", err)
	}
}

// TestBackoffMemcachedKilled runs the outage against a real server: killed
// mid-test, then restarted on the same port; a ping brings it back.
func TestBackoffMemcachedKilled(t *testing.T) {
	ctx := context.Background()
	mc, addr, stop := newTestMemcached(t)
	b := NewBackoff(mc, time.Hour, nil)
	if err := b.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := b.Ping(ctx); err == nil || b.Healthy() {
		t.Fatalf("healthy with the server killed (ping %v)", err)
	}
	if _, ok, err := b.Get(ctx, "k"); ok || !errors.Is(err, ErrBackingOff) {
		t.Fatalf("get during the outage: %v %v", ok, err)
	}
	_, port, _ := splitPort(addr)
	memcachedtest.StartOn(t, port)
	if err := b.Ping(ctx); err != nil || !b.Healthy() {
		t.Fatalf("ping after the restart: %v", err)
	}
	if err := b.Set(ctx, "after", []byte("restart"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := b.Get(ctx, "after"); !ok || err != nil || string(v) != "restart" {
		t.Errorf("value written after recovery: %q %v %v", v, ok, err)
	}
}
