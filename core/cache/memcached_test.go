package cache

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

// newTestMemcached starts a memcached and returns a client for it.
func newTestMemcached(t testing.TB) (*Memcached, string, func()) {
	t.Helper()
	addr, stop := memcachedtest.Start(t)
	m := dial(t, addr)
	return m, addr, stop
}

func dial(t testing.TB, addr string) *Memcached {
	t.Helper()
	m, err := NewMemcached(Options{Servers: []string{addr}, Timeout: 2 * time.Second, KeyPrefix: "test:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// rawManifest reads the manifest item stored for key.
func rawManifest(t *testing.T, m *Memcached, key string) manifest {
	t.Helper()
	it, err := m.client.Get(m.itemKey(key))
	if err != nil {
		t.Fatalf("raw get: %v", err)
	}
	mf, err := decodeManifest(it.Value)
	if err != nil {
		t.Fatalf("stored item is not a manifest: %v", err)
	}
	return mf
}

func TestMemcachedRoundTrip(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx := context.Background()
	maxInline := m.chunkSize - 1
	tests := []struct {
		name    string
		size    int
		chunked bool
	}{
		{"empty", 0, false},
		{"small", 100, false},
		{"10 KB", 10 << 10, false},
		{"largest inline", maxInline, false},
		{"smallest chunked", maxInline + 1, true},
		{"exactly two chunks", 2 * m.chunkSize, true},
		{"5 MB", 5 << 20, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := "round trip " + tc.name // spaces are fine: keys are hashed
			want := randomBytes(tc.size)
			before := time.Now()
			if err := m.Set(ctx, key, want, time.Minute); err != nil {
				t.Fatalf("set: %v", err)
			}
			after := time.Now()
			got, exp, ok, err := m.GetWithExpiry(ctx, key)
			if err != nil || !ok {
				t.Fatalf("get: ok=%v err=%v", ok, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("got %d bytes, want %d (equal content: false)", len(got), len(want))
			}
			if exp.Before(before.Add(time.Minute-time.Second)) || exp.After(after.Add(time.Minute+time.Second)) {
				t.Errorf("reported expiry %v, want about a minute after %v", exp, before)
			}
			it, _ := m.client.Get(m.itemKey(key))
			if chunked := it.Value[0] == tagManifest; chunked != tc.chunked {
				t.Errorf("chunked = %v, want %v", chunked, tc.chunked)
			}
		})
	}
}

func TestMemcachedMissOverwriteDelete(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx := context.Background()
	if v, ok, err := m.Get(ctx, "never set"); v != nil || ok || err != nil {
		t.Fatalf("miss = %v %v %v, want nil false nil", v, ok, err)
	}
	small, big := []byte("small"), randomBytes(3<<20)
	for i, v := range [][]byte{small, big, randomBytes(2 << 20), small, big} {
		if err := m.Set(ctx, "k", v, time.Minute); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := m.Get(ctx, "k"); !bytes.Equal(got, v) {
			t.Fatalf("write %d: read back a different value", i)
		}
	}
	mf := rawManifest(t, m, "k")
	if err := m.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := m.Get(ctx, "k"); ok {
		t.Error("hit after Delete")
	}
	left, _ := m.client.GetMulti(mf.chunkKeys(m.itemKey("k")))
	if len(left) != 0 {
		t.Errorf("%d chunks left after Delete", len(left))
	}
	if err := m.Delete(ctx, "k"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
}

func TestMemcachedDamagedValuesAreMisses(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx := context.Background()
	value := randomBytes(5 << 20)
	tests := []struct {
		name   string
		damage func(t *testing.T, ik string, mf manifest)
	}{
		{"deleted chunk", func(t *testing.T, ik string, mf manifest) {
			if err := m.client.Delete(mf.chunkKey(ik, 2)); err != nil {
				t.Fatal(err)
			}
		}},
		{"corrupted chunk", func(t *testing.T, ik string, mf manifest) {
			other := randomBytes(int(mf.chunkSize))
			if err := m.client.Set(&memcache.Item{Key: mf.chunkKey(ik, 1), Value: other}); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated last chunk", func(t *testing.T, ik string, mf manifest) {
			if err := m.client.Set(&memcache.Item{Key: mf.chunkKey(ik, int(mf.count)-1), Value: []byte("x")}); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbled manifest", func(t *testing.T, ik string, _ manifest) {
			if err := m.client.Set(&memcache.Item{Key: ik, Value: []byte("M garbage")}); err != nil {
				t.Fatal(err)
			}
		}},
		{"unknown tag", func(t *testing.T, ik string, _ manifest) {
			if err := m.client.Set(&memcache.Item{Key: ik, Value: []byte("Zvalue")}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := "damaged " + tc.name
			if err := m.Set(ctx, key, value, time.Minute); err != nil {
				t.Fatal(err)
			}
			before := m.Stats().Corrupt
			tc.damage(t, m.itemKey(key), rawManifest(t, m, key))
			v, ok, err := m.Get(ctx, key)
			if v != nil || ok || err != nil {
				t.Fatalf("get = %d bytes, %v, %v; want a plain miss", len(v), ok, err)
			}
			if m.Stats().Corrupt != before+1 {
				t.Error("corrupt read not counted")
			}
			// A fresh write repairs the key.
			if err := m.Set(ctx, key, value, time.Minute); err != nil {
				t.Fatal(err)
			}
			if got, ok, _ := m.Get(ctx, key); !ok || !bytes.Equal(got, value) {
				t.Error("rewrite did not repair the key")
			}
		})
	}
}

func TestMemcachedConcurrentWritersNeverMix(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx := context.Background()
	const size = 3 << 20 // four chunks
	values := [][]byte{bytes.Repeat([]byte{'A'}, size), bytes.Repeat([]byte{'B'}, size)}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for _, v := range values {
		wg.Go(func() {
			for range 15 {
				if err := m.Set(ctx, "contended", v, time.Minute); err != nil {
					t.Errorf("set: %v", err)
					return
				}
			}
		})
	}
	var reads, hits int
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-done:
				return
			default:
			}
			got, ok, err := m.Get(ctx, "contended")
			reads++
			if err != nil {
				t.Errorf("get: %v", err)
				return
			}
			if !ok {
				continue
			}
			hits++
			if !bytes.Equal(got, values[0]) && !bytes.Equal(got, values[1]) {
				t.Errorf("read a mixed value of %d bytes", len(got))
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	<-readerDone
	got, ok, _ := m.Get(ctx, "contended")
	if !ok || (!bytes.Equal(got, values[0]) && !bytes.Equal(got, values[1])) {
		t.Error("final value is not one of the written values")
	}
	t.Logf("%d reads, %d hits", reads, hits)
}

func TestMemcachedTTL(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx := context.Background()
	const day = 24 * time.Hour
	for _, ttl := range []time.Duration{31 * day, 400 * day} {
		for _, size := range []int{10, 2 << 20} {
			key := fmt.Sprintf("long %v %d", ttl, size)
			before := time.Now()
			if err := m.Set(ctx, key, make([]byte, size), ttl); err != nil {
				t.Fatal(err)
			}
			_, exp, ok, err := m.GetWithExpiry(ctx, key)
			if !ok || err != nil {
				t.Fatalf("%s: ttl %v read as expired (ok=%v err=%v)", key, ttl, ok, err)
			}
			if d := exp.Sub(before); d < ttl-time.Second || d > ttl+5*time.Second {
				t.Errorf("%s: expiry %v after the write, want %v", key, d, ttl)
			}
		}
	}
	if err := m.Set(ctx, "forever", []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(ctx, "brief", []byte("x"), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, exp, ok, _ := m.GetWithExpiry(ctx, "forever"); !ok || !exp.IsZero() {
		t.Errorf("forever: ok=%v expiry=%v", ok, exp)
	}
	// A sub-second TTL rounds up to 1 s (TestExpiration), not to 0, which
	// memcached reads as no expiry. Its clock ticks once a second, so the
	// item may be gone at once: only its going is checked.
	time.Sleep(2100 * time.Millisecond)
	if _, ok, _ := m.Get(ctx, "brief"); ok {
		t.Error("brief still present after its TTL")
	}
}

func TestMemcachedServerDown(t *testing.T) {
	m, _, stop := newTestMemcached(t)
	ctx := context.Background()
	if err := m.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := m.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	stop()

	start := time.Now()
	v, ok, err := m.Get(ctx, "k")
	if v != nil || ok || err == nil {
		t.Fatalf("get with server down = %v %v %v, want nil false error", v, ok, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("get with server down took %v", d)
	}
	if !strings.HasPrefix(err.Error(), "cache: memcached get") {
		t.Errorf("error lacks the operation prefix: %v", err)
	}
	if err := m.Set(ctx, "k", []byte("v"), time.Minute); err == nil {
		t.Error("set with server down succeeded")
	}
	if err := m.Ping(ctx); err == nil {
		t.Error("ping with server down succeeded")
	}
	if m.Stats().Errors == 0 {
		t.Error("errors not counted")
	}
}

func TestMemcachedCanceledContext(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := m.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("get: %v", err)
	}
	if err := m.Set(ctx, "k", randomBytes(3<<20), time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("set: %v", err)
	}
	if _, ok, _ := m.Get(context.Background(), "k"); ok {
		t.Error("a canceled Set stored a value")
	}
}
