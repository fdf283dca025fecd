package cache

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// slowStore holds its reads, once slow is set, until answer is closed: a
// memcached that accepts connections and answers late.
type slowStore struct {
	Store
	slow   atomic.Bool
	answer chan struct{}
}

func (s *slowStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if s.slow.Load() {
		<-s.answer
	}
	return s.Store.Get(ctx, key)
}

// A store that answers late holds no request past knownGenerationWait
// once the generations are known: the request goes on with the known
// key, and the read, shared, goes on for the requests after.
func TestNamespaceSlowStoreHoldsNoRequest(t *testing.T) {
	ctx := context.Background()
	store := &slowStore{Store: NewMemory(1 << 20), answer: make(chan struct{})}
	const maxAge = 10 * time.Millisecond
	ns := NewNamespace(store, maxAge)
	k := ns.Key(ctx, "g", "k")
	store.slow.Store(true)
	time.Sleep(2 * maxAge)
	keys := make(chan string, 20)
	go func() {
		for range 20 {
			keys <- ns.Key(ctx, "g", "k")
		}
	}()
	// The store does not answer before the 20 keys are given: a key that
	// waited for it would never come.
	for range 20 {
		select {
		case got := <-keys:
			if got != k {
				t.Fatalf("key changed with a slow store: %q -> %q", k, got)
			}
		case <-time.After(time.Minute):
			t.Fatal("a key waited for a store that does not answer")
		}
	}
	// Once the store answers again, a Bump elsewhere is seen.
	store.slow.Store(false)
	close(store.answer)
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
