package cache

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// silentServer accepts connections and never answers: a memcached that
// hangs, or a link that drops its packets.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// A write that times out and is handed to the background has not
// succeeded: it leaves a failed memcached's pause in place, so reads
// still cost one timeout per pause rather than one after every write.
func TestDeferredWriteKeepsThePause(t *testing.T) {
	ctx := context.Background()
	m, err := NewMemcached(Options{Servers: []string{silentServer(t)}, Timeout: 100 * time.Millisecond,
		BackgroundTimeout: 100 * time.Millisecond, BackgroundRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		_ = m.WaitWrites(wctx)
		_ = m.Close()
	})
	b := NewBackoff(m, time.Hour, nil)
	if _, _, err := b.Get(ctx, "k"); err == nil || errors.Is(err, ErrBackingOff) || b.Healthy() {
		t.Fatalf("first read of a silent server: %v, healthy=%v; want its timeout", err, b.Healthy())
	}
	if err := b.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatalf("write to a silent server: %v, want it handed to the background", err)
	}
	if b.Healthy() {
		t.Fatal("a write handed to the background ended the pause")
	}
	before := m.Stats().Errors
	if _, _, err := b.Get(ctx, "k"); !errors.Is(err, ErrBackingOff) {
		t.Fatalf("read after the deferred write: %v, want ErrBackingOff without asking the server", err)
	}
	if after := m.Stats().Errors; after != before {
		t.Fatalf("the server was asked during the pause (%d more failures)", after-before)
	}
}
