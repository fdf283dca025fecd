package export_test

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/export"
)

// Replicas sharing memcached serve one bundle for one list: a replica
// that rebuilds a list it never served (just started, its state
// directory new) versions the bundle against the one another replica
// served last, kept in the shared level, rather than giving every
// indicator its attribute time. Before, it gave the value whose newest
// attribute was deleted that older attribute's time, earlier than the
// version the other replica served, under the same list date: two
// bundles of one Last-Modified, and a TIP that keeps the latest version
// ignored the one that came back.
func TestReplicaVersionsAgainstTheSharedBundle(t *testing.T) {
	r := newStixRig(t, export.Options{Shared: cache.NewMemory(1 << 20)})
	r.get()
	served := r.deleteNewest()
	opts := r.options
	opts.State = nil
	other := r.e.service(opts)
	r.e.clock.Add(120) // past the list's lifetime: the other replica rebuilds it
	res, err := other.Get(t.Context(), r.req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != export.Miss {
		t.Fatalf("status %v, want a rebuild (MISS)", res.Status)
	}
	if !bytes.Equal(res.Body, served) {
		t.Fatalf("the other replica's bundle of the same content (modified %s):\n%s\nwant the one served (modified %s):\n%s",
			modifiedOf(t, res.Body, r.id), res.Body, modifiedOf(t, served, r.id), served)
	}
}

// bodyCountingStore counts the reads and writes of the stix21 bundles
// kept for other replicas (previous_shared.go), not of their records.
type bodyCountingStore struct {
	cache.Store
	gets, sets atomic.Int64
	key        atomic.Value // the last bundle's key
}

func (c *bodyCountingStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if strings.HasPrefix(key, "previous|") {
		c.gets.Add(1)
	}
	return c.Store.Get(ctx, key)
}

func (c *bodyCountingStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if strings.HasPrefix(key, "previous|") {
		c.sets.Add(1)
		c.key.Store(key)
	}
	return c.Store.Set(ctx, key, value, ttl)
}

// A replica whose own last good list is the newest reads only the small
// record of the shared bundle, not the bundle (tens of megabytes for a
// large feed), and writes the bundle only when the list's date moves; a
// replica with no list of its own reads it once. Before, every build read
// and decoded the whole shared bundle, and wrote a second copy of it.
func TestReplicaReadsTheSharedBundleOnlyWhenNewer(t *testing.T) {
	store := &bodyCountingStore{Store: cache.NewMemory(1 << 20)}
	r := newStixRig(t, export.Options{Shared: store})
	r.get()
	served := r.deleteNewest() // a new list date
	r.e.clock.Add(120)
	if again := r.get(); !bytes.Equal(again, served) {
		t.Fatalf("rebuild of the same content:\n%s\nwant\n%s", again, served)
	}
	if g, s := store.gets.Load(), store.sets.Load(); g != 0 || s != 2 {
		t.Fatalf("the replica holding the newest list read the shared bundle %d times and wrote it %d times, want 0 and 2 (one per list date)", g, s)
	}
	opts := r.options
	opts.State = nil
	other := r.e.service(opts)
	r.e.clock.Add(120)
	res, err := other.Get(t.Context(), r.req)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Body, served) || store.gets.Load() != 1 || store.sets.Load() != 2 {
		t.Fatalf("a new replica read the shared bundle %d times, wrote it %d times (want 1 and 2) and served\n%s\nwant\n%s",
			store.gets.Load(), store.sets.Load(), res.Body, served)
	}
}

// A shared bundle memcached evicted while its record stays is written
// again by the next replica that finds it missing, rather than left out
// until the list's date moves.
func TestReplicaWritesAnEvictedSharedBundleAgain(t *testing.T) {
	store := &bodyCountingStore{Store: cache.NewMemory(1 << 20)}
	r := newStixRig(t, export.Options{Shared: store})
	served := r.get()
	if err := store.Delete(t.Context(), store.key.Load().(string)); err != nil {
		t.Fatal(err)
	}
	opts := r.options
	opts.State = nil
	r.e.clock.Add(120)
	if _, err := r.e.service(opts).Get(t.Context(), r.req); err != nil {
		t.Fatal(err)
	}
	b, ok, _ := store.Get(t.Context(), store.key.Load().(string))
	if !ok || !bytes.Contains(b, served) {
		t.Fatalf("after a replica found the shared bundle missing, it is stored: %v, want the bundle served again (%d writes)", ok, store.sets.Load())
	}
}
