package cache

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

func TestTimedOutWritesFinishInTheBackground(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	slow := slowProxy(t, addr, 150*time.Millisecond)
	m, err := NewMemcached(Options{Servers: []string{slow}, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	small, large := []byte("one item"), bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB: chunked
	for _, v := range [][]byte{small, large} {
		if err := m.Set(context.Background(), string(v[:8]), v, time.Hour); err != nil {
			t.Fatalf("Set of %d bytes: %v, want it handed to the background", len(v), err)
		}
	}
	waitWrites(t, m)
	direct := directClient(t, addr)
	for _, v := range [][]byte{small, large} {
		got, ok, err := direct.Get(context.Background(), string(v[:8]))
		if err != nil || !ok || !bytes.Equal(got, v) {
			t.Errorf("value of %d bytes after the background write: ok=%v err=%v, %d bytes", len(v), ok, err, len(got))
		}
	}
}

// A chunked value whose chunks take longer than the request path's
// timeout to arrive is still read: the manifest answered, so the chunks
// are read again with the background timeout instead of being a miss.
func TestSlowChunksAreStillRead(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	direct := directClient(t, addr)
	large := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB: chunked
	if err := direct.Set(context.Background(), "large", large, time.Hour); err != nil {
		t.Fatal(err)
	}
	// Every 64 KiB of an answer waits 40 ms: the manifest arrives at once,
	// the 3 MiB of chunks take about 2 s, past the 300 ms timeout.
	m, err := NewMemcached(Options{
		Servers:           []string{slowProxy(t, addr, 40*time.Millisecond)},
		Timeout:           300 * time.Millisecond,
		BackgroundTimeout: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// The manifest must still come within the 300 ms: a Get that a busy
	// machine failed before it asked for the chunks is made again.
	var got []byte
	var ok bool
	for deadline := time.Now().Add(time.Minute); ; {
		got, ok, err = m.Get(context.Background(), "large")
		if err == nil || strings.HasPrefix(err.Error(), "cache: memcached get chunks") || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || !ok || !bytes.Equal(got, large) {
		t.Fatalf("Get through a slow link: ok=%v err=%v, %d bytes, want %d", ok, err, len(got), len(large))
	}
}
