package cache

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// slowStore answers after delay once slow is set, as a memcached that
// accepts connections and answers late.
type slowStore struct {
	Store
	slow  atomic.Bool
	delay time.Duration
}

func (s *slowStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if s.slow.Load() {
		time.Sleep(s.delay)
	}
	return s.Store.Get(ctx, key)
}

// A store that answers late holds no request past knownGenerationWait
// once the generations are known: the request goes on with the known
// key, and the read, shared, goes on for the requests after.
func TestNamespaceSlowStoreHoldsNoRequest(t *testing.T) {
	ctx := context.Background()
	store := &slowStore{Store: NewMemory(1 << 20), delay: 3 * time.Second}
	const maxAge = 10 * time.Millisecond
	ns := NewNamespace(store, maxAge)
	k := ns.Key(ctx, "g", "k")
	store.slow.Store(true)
	time.Sleep(2 * maxAge)
	start := time.Now()
	for range 20 {
		if got := ns.Key(ctx, "g", "k"); got != k {
			t.Fatalf("key changed with a slow store: %q -> %q", k, got)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("20 keys took %v with a store answering in %v: requests waited for it", d, store.delay)
	}
	// Once the store answers again, a Bump elsewhere is seen.
	store.slow.Store(false)
	other := NewNamespace(store, maxAge)
	if err := other.Bump(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for ns.Key(ctx, "g", "k") == k && time.Now().Before(deadline) {
		time.Sleep(maxAge)
	}
	if ns.Key(ctx, "g", "k") == k {
		t.Error("a Bump in another process was never seen")
	}
}
