package cache

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

var errDown = errors.New("backend down")

// switchStore wraps a Store (without GetWithExpiry) that can be made to fail,
// and counts the calls that reach it.
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

func TestTieredFillsL1(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		l2      func(l2 *Memory) Store
		l2TTL   time.Duration
		fillTTL time.Duration
		want    time.Duration // expected remaining L1 lifetime, 0 for none
	}{
		{"remaining TTL carried", func(m *Memory) Store { return m }, time.Hour, 0, time.Hour},
		{"no expiry carried", func(m *Memory) Store { return m }, 0, 0, 0},
		{"FillTTL without expiry support", func(m *Memory) Store { return &switchStore{inner: m} }, time.Hour, 5 * time.Second, 5 * time.Second},
		{"default FillTTL", func(m *Memory) Store { return &switchStore{inner: m} }, time.Hour, 0, DefaultFillTTL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l1, l2 := NewMemory(1<<20), NewMemory(1<<20)
			tr := &Tiered{L1: l1, L2: tc.l2(l2), FillTTL: tc.fillTTL}
			_ = l2.Set(ctx, "k", []byte("v"), tc.l2TTL)
			if v, ok, err := tr.Get(ctx, "k"); !ok || err != nil || string(v) != "v" {
				t.Fatalf("get = %q %v %v", v, ok, err)
			}
			_, exp, ok, _ := l1.GetWithExpiry(ctx, "k")
			if !ok {
				t.Fatal("L2 hit not copied into L1")
			}
			if tc.want == 0 {
				if !exp.IsZero() {
					t.Errorf("L1 copy expires at %v, want never", exp)
				}
				return
			}
			if d := time.Until(exp); d > tc.want || d < tc.want-2*time.Second {
				t.Errorf("L1 copy expires in %v, want %v", d, tc.want)
			}
		})
	}
}

func TestTieredDegradesAndRecovers(t *testing.T) {
	ctx := context.Background()
	l1 := NewMemory(1 << 20)
	l2 := &switchStore{inner: NewMemory(1 << 20)}
	tr := &Tiered{L1: l1, L2: l2, RetryAfter: 100 * time.Millisecond}

	if err := tr.Set(ctx, "a", []byte("1"), time.Minute); err != nil || !tr.Healthy() {
		t.Fatalf("set: %v healthy=%v", err, tr.Healthy())
	}
	l2.setDown(true)
	if err := tr.Set(ctx, "b", []byte("2"), time.Minute); err != nil {
		t.Fatalf("an L2 failure failed Set: %v", err)
	}
	if tr.Healthy() || !errors.Is(tr.LastError(), errDown) {
		t.Fatalf("healthy=%v last=%v after an L2 failure", tr.Healthy(), tr.LastError())
	}
	for _, k := range []string{"a", "b"} {
		if v, ok, err := tr.Get(ctx, k); !ok || err != nil || v == nil {
			t.Errorf("%s not served from L1 while L2 is down: %v %v", k, ok, err)
		}
	}
	if _, ok, err := tr.Get(ctx, "c"); ok || err != nil {
		t.Errorf("miss while L2 is down = %v %v, want a plain miss", ok, err)
	}
	calls := l2.count()
	for range 20 {
		_, _, _ = tr.Get(ctx, "c")
	}
	if l2.count() != calls {
		t.Errorf("L2 tried %d times within RetryAfter", l2.count()-calls)
	}
	if err := tr.Delete(ctx, "a"); err == nil {
		t.Error("Delete hid an L2 failure")
	}
	if _, ok, _ := l1.Get(ctx, "a"); ok {
		t.Error("Delete left the L1 copy")
	}

	l2.setDown(false)
	time.Sleep(150 * time.Millisecond)
	if _, ok, err := tr.Get(ctx, "c"); ok || err != nil {
		t.Fatalf("get: %v %v", ok, err)
	}
	if !tr.Healthy() || tr.LastError() != nil {
		t.Errorf("still unhealthy after L2 came back: %v", tr.LastError())
	}
}

func TestTieredIgnoresCallerCancellation(t *testing.T) {
	l2 := &switchStore{inner: NewMemory(1 << 20)}
	l2.setDown(true)
	tr := &Tiered{L1: NewMemory(1 << 20), L2: l2}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = tr.Set(ctx, "k", []byte("v"), time.Minute)
	if !tr.Healthy() {
		t.Error("a canceled caller marked L2 unhealthy")
	}
}

func TestTieredWithoutL2(t *testing.T) {
	ctx := context.Background()
	l1 := NewMemory(1 << 20)
	tr := &Tiered{L1: l1}
	if err := tr.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := tr.Get(ctx, "k"); !ok || string(v) != "v" {
		t.Fatal("get")
	}
	if err := tr.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Ping(ctx); err != nil || !tr.Healthy() || tr.Shared() != Store(l1) {
		t.Errorf("ping=%v healthy=%v", err, tr.Healthy())
	}
}

// TestTieredMemcachedKilled runs the outage against a real server: killed
// mid-test, then restarted on the same port.
func TestTieredMemcachedKilled(t *testing.T) {
	ctx := context.Background()
	mc, addr, stop := newTestMemcached(t)
	l1 := NewMemory(64 << 20)
	tr := &Tiered{L1: l1, L2: mc, RetryAfter: 200 * time.Millisecond}
	big := randomBytes(3 << 20)
	if err := tr.Set(ctx, "big", big, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := tr.Ping(ctx); err != nil || !tr.Healthy() {
		t.Fatalf("ping: %v", err)
	}

	stop()
	start := time.Now()
	if _, ok, err := mc.Get(ctx, "big"); ok || err == nil {
		t.Errorf("memcached get with the server killed = %v %v, want a miss with an error", ok, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("get with the server killed took %v", d)
	}
	if err := mc.Set(ctx, "k", []byte("v"), time.Minute); err == nil {
		t.Error("memcached set with the server killed succeeded")
	}
	if err := tr.Ping(ctx); err == nil || tr.Healthy() || tr.LastError() == nil {
		t.Fatalf("tiered reports healthy with the server killed (ping %v)", err)
	}
	if v, ok, err := tr.Get(ctx, "big"); !ok || err != nil || !bytes.Equal(v, big) {
		t.Fatalf("L1 not served while memcached is down: %v %v", ok, err)
	}
	if err := tr.Set(ctx, "during", []byte("outage"), time.Minute); err != nil {
		t.Fatalf("set failed during the outage: %v", err)
	}

	_, port, _ := splitPort(addr)
	memcachedtest.StartOn(t, port)
	l1b := NewMemory(64 << 20) // a fresh process cache, so reads must reach memcached
	tr.L1 = l1b
	// Ordinary traffic brings L2 back once RetryAfter has passed.
	deadline := time.Now().Add(5 * time.Second)
	for !tr.Healthy() {
		if time.Now().After(deadline) {
			t.Fatalf("tiered did not recover: %v", tr.LastError())
		}
		time.Sleep(50 * time.Millisecond)
		_, _, _ = tr.Get(ctx, "probe")
	}
	if err := tr.Set(ctx, "after", []byte("restart"), time.Minute); err != nil || !tr.Healthy() {
		t.Fatalf("set after recovery: %v %v", err, tr.LastError())
	}
	_ = l1b.Delete(ctx, "after")
	if v, ok, err := tr.Get(ctx, "after"); !ok || err != nil || string(v) != "restart" {
		t.Errorf("value written after recovery not read from memcached: %q %v %v", v, ok, err)
	}
	if _, ok, _ := mc.Get(ctx, "big"); ok {
		t.Error("a restarted memcached still has the old value")
	}
}
