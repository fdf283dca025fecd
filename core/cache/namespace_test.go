package cache

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNamespaceBumpAndFlush(t *testing.T) {
	ctx := context.Background()
	store := NewMemory(1 << 20)
	ns := NewNamespace(store, time.Hour)

	k1 := ns.Key(ctx, "site/feed1", "edl")
	k2 := ns.Key(ctx, "site/feed2", "edl")
	if k1 != ns.Key(ctx, "site/feed1", "edl") {
		t.Fatal("key not stable between calls")
	}
	_ = store.Set(ctx, k1, []byte("old artifact"), time.Minute)

	if err := ns.Bump(ctx, "site/feed1"); err != nil {
		t.Fatal(err)
	}
	n1 := ns.Key(ctx, "site/feed1", "edl")
	if n1 == k1 {
		t.Fatal("Bump did not change the group's keys")
	}
	if _, ok, _ := store.Get(ctx, n1); ok {
		t.Error("old value reachable after Bump")
	}
	if ns.Key(ctx, "site/feed2", "edl") != k2 {
		t.Error("Bump changed another group's keys")
	}

	if err := ns.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if ns.Key(ctx, "site/feed1", "edl") == n1 || ns.Key(ctx, "site/feed2", "edl") == k2 {
		t.Error("Flush left a group's keys unchanged")
	}
}

func TestNamespaceKeysDoNotCollide(t *testing.T) {
	ctx := context.Background()
	ns := NewNamespace(NewMemory(1<<20), time.Hour)
	pairs := [][2]string{{"a:b", "c"}, {"a", "b:c"}, {"a:", "b:c"}, {"", "a:b:c"}}
	seen := map[string][2]string{}
	for _, p := range pairs {
		k := ns.Key(ctx, p[0], p[1])
		if prev, dup := seen[k]; dup {
			t.Errorf("%q and %q share key %q", prev, p, k)
		}
		seen[k] = p
	}
}

// TestNamespaceAcrossProcesses uses two clients of one memcached, as two
// Cratos processes would.
func TestNamespaceAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	mcA, addr, _ := newTestMemcached(t)
	mcB := dial(t, addr)
	const maxAge = 100 * time.Millisecond
	a := NewNamespace(mcA, maxAge)
	b := NewNamespace(mcB, maxAge)

	ka, kb := a.Key(ctx, "site/feed", "edl"), b.Key(ctx, "site/feed", "edl")
	if ka != kb {
		t.Fatalf("processes disagree on a new group's key: %q vs %q", ka, kb)
	}
	if err := a.Bump(ctx, "site/feed"); err != nil {
		t.Fatal(err)
	}
	if a.Key(ctx, "site/feed", "edl") == ka {
		t.Fatal("the bumping process still uses the old key")
	}
	// Seen after maxAge, or once a read slower than knownGenerationWait
	// (a busy machine) has answered.
	if got := eventually(func() string { return b.Key(ctx, "site/feed", "edl") }, func(k string) bool { return k != kb }); got != a.Key(ctx, "site/feed", "edl") {
		t.Errorf("the other process did not pick up the bump: %q", got)
	}

	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before := a.Key(ctx, "site/feed", "edl")
	if eventually(func() string { return a.Key(ctx, "site/feed", "edl") }, func(k string) bool { return k != before }) == before {
		t.Error("a Flush in one process was not seen by the other")
	}

	// A lost generation item is replaced by a new value, never the old one.
	before = a.Key(ctx, "site/feed", "edl")
	if err := mcA.Delete(ctx, genKeyPrefix+"site/feed"); err != nil {
		t.Fatal(err)
	}
	if eventually(func() string { return a.Key(ctx, "site/feed", "edl") }, func(k string) bool { return k != before }) == before {
		t.Error("a lost generation brought back the old keys")
	}
}

// eventually calls get until ok accepts what it returns, for up to a
// minute, and returns the last value.
func eventually(get func() string, ok func(string) bool) string {
	v := get()
	for deadline := time.Now().Add(time.Minute); !ok(v) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		v = get()
	}
	return v
}

func TestNamespaceStoreDown(t *testing.T) {
	ctx := context.Background()
	store := &switchStore{inner: NewMemory(1 << 20)}
	ns := NewNamespace(store, 10*time.Millisecond)
	k := ns.Key(ctx, "g", "k")
	store.setDown(true)
	time.Sleep(20 * time.Millisecond)
	if got := ns.Key(ctx, "g", "k"); got != k {
		t.Errorf("key changed when the store went down: %q -> %q", k, got)
	}
	// A failed read is remembered for maxAge, as a good one is: a minute
	// here, so that the 50 keys fall within it however busy the machine.
	down := NewNamespace(store, time.Minute)
	_ = down.Key(ctx, "g", "k")
	calls := store.count()
	for range 50 {
		_ = down.Key(ctx, "g", "k")
	}
	if store.count() != calls {
		t.Errorf("a failing store was read %d times within maxAge", store.count()-calls)
	}
	if err := ns.Bump(ctx, "g"); err == nil || !strings.HasPrefix(err.Error(), `cache: namespace bump "g"`) {
		t.Errorf("bump with the store down: %v", err)
	}
	if ns.Key(ctx, "g", "k") == k {
		t.Error("a failed Bump did not change this process's keys")
	}
	fresh := NewNamespace(store, time.Hour)
	if a, b := fresh.Key(ctx, "new", "k"), fresh.Key(ctx, "new", "k"); a != b || !strings.HasPrefix(a, "ns:") {
		t.Errorf("keys without any known generation are unstable: %q %q", a, b)
	}
}

func TestNamespaceConcurrent(t *testing.T) {
	ctx := context.Background()
	store := &switchStore{inner: NewMemory(1 << 20)}
	ns := NewNamespace(store, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				group := fmt.Sprintf("g%d", i%4)
				if i%97 == 0 {
					_ = ns.Bump(ctx, group)
				}
				if k := ns.Key(ctx, group, "k"); !strings.Contains(k, group) {
					t.Errorf("goroutine %d: key %q", g, k)
				}
			}
		})
	}
	wg.Wait()
	// After a Bump returns, this process uses the new generation.
	before := ns.Key(ctx, "g0", "k")
	if err := ns.Bump(ctx, "g0"); err != nil {
		t.Fatal(err)
	}
	if ns.Key(ctx, "g0", "k") == before {
		t.Error("Bump not visible to its own process")
	}
}
