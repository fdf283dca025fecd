package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

// stuckWriter returns a Memcached whose background writer is stuck on a
// write memcached does not take until release is called or the test ends:
// every write after it is queued. max bounds the queue.
func stuckWriter(t *testing.T, max int64) (m *Memcached, release func()) {
	t.Helper()
	addr, _ := memcachedtest.Start(t)
	held := make(chan struct{})
	release = sync.OnceFunc(func() { close(held) })
	m, err := NewMemcached(Options{Servers: []string{holdingProxy(t, addr, func(b []byte) time.Duration {
		if bytes.HasPrefix(b, []byte("set ")) {
			<-held
		}
		return 0
	})}, Timeout: 200 * time.Millisecond, BackgroundTimeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	m.bg.max = max
	t.Cleanup(func() {
		release()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := m.WaitWrites(ctx); err != nil {
			t.Errorf("queued writes after memcached took them again: %v", err)
		}
		m.Close()
	})
	if err := m.Set(context.Background(), "stuck", []byte("value"), time.Hour); err != nil {
		t.Fatalf("write to a stuck memcached: %v, want it handed to the background", err)
	}
	return m, release
}

// Small writes queued behind a stuck one are bounded by the queue's limit
// too: a generation bump, a lease or a small head costs its key and the
// job that carries it, not only its value, so a memcached that hangs
// cannot make them pile up without end.
func TestBackgroundQueueBoundsSmallWrites(t *testing.T) {
	const max = 1 << 20
	tests := []struct {
		name  string
		key   func(i int) string
		value []byte
	}{
		{"empty values of new keys", func(i int) string { return fmt.Sprintf("gen:feed-%d", i) }, nil},
		{"one key written again and again", func(int) string { return "lease:feed" }, []byte("holder")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := stuckWriter(t, max)
			ctx := context.Background()
			queued, refused := 0, 0
			for i := range 100_000 {
				err := m.Set(ctx, tc.key(i), tc.value, time.Hour)
				switch {
				case err == nil:
					queued++
				case errors.Is(err, ErrBackgroundFull):
					refused++
				default:
					t.Fatalf("write %d: %v", i, err)
				}
			}
			m.bg.mu.Lock()
			jobs := len(m.bg.queue)
			m.bg.mu.Unlock()
			if limit := max / backgroundJobOverhead; jobs > limit || refused == 0 {
				t.Errorf("%d writes queued (%d jobs), %d refused; want at most %d jobs queued and the rest refused",
					queued, jobs, refused, limit)
			}
		})
	}
}
