package cache

import (
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/internal/testtool"
)

// holdingProxy forwards to addr, holding each piece of a request back by
// hold(its bytes) before memcached sees it: a link that is slow for a while,
// or for large writes only.
func holdingProxy(t *testing.T, addr string, hold func(b []byte) time.Duration) string {
	return delayingProxy(t, addr, hold, func([]byte) time.Duration { return 0 })
}

// slowProxy forwards to addr, holding every answer back by delay: a
// memcached on a loaded machine.
func slowProxy(t *testing.T, addr string, delay time.Duration) string {
	return delayingProxy(t, addr, func([]byte) time.Duration { return 0 }, func([]byte) time.Duration { return delay })
}

// delayingProxy forwards to addr, holding each piece of a request back by
// request(its bytes) and each piece of an answer by answer(its bytes).
func delayingProxy(t *testing.T, addr string, request, answer func(b []byte) time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			go func() { defer s.Close(); copyHeld(s, c, 2<<20, request) }()
			go func() { defer c.Close(); copyHeld(c, s, 64<<10, answer) }()
		}
	}()
	return ln.Addr().String()
}

// copyHeld copies src to dst through a buffer of size bytes, each piece
// read held back by hold(its bytes), until either side fails.
func copyHeld(dst, src net.Conn, size int, hold func(b []byte) time.Duration) {
	buf := make([]byte, size)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			time.Sleep(hold(buf[:n]))
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// A write that timed out and is finished in the background never lands
// over a newer write of the same key made once the link is fast again:
// with two clears in a row, the first one's generation coming back would
// bring back every entry the second one hid.
func TestBackgroundWriteNeverOverwritesANewerOne(t *testing.T) {
	tests := []struct {
		name string
		// write makes the first or the second write of a key and returns
		// the key and what the second one stored.
		write func(ctx context.Context, m *Memcached, ns *Namespace, second bool) (key, value string, err error)
	}{
		{"set", func(ctx context.Context, m *Memcached, _ *Namespace, second bool) (string, string, error) {
			v := map[bool]string{false: "older", true: "newer"}[second]
			return "list", v, m.Set(ctx, "list", []byte(v), time.Hour)
		}},
		{"two clears", func(ctx context.Context, _ *Memcached, ns *Namespace, _ bool) (string, string, error) {
			err := ns.Bump(ctx, "feed")
			ns.mu.Lock()
			defer ns.mu.Unlock()
			return genKeyPrefix + "feed", ns.gens[genKeyPrefix+"feed"].value, err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			addr, _ := memcachedtest.Start(t)
			// The first write and its first background try reach
			// memcached 2 s late; the write after them, once they are
			// on their way, at once.
			var sets atomic.Int64
			m := heldClient(t, addr, func(b []byte) time.Duration {
				if bytes.HasPrefix(b, []byte("set ")) && sets.Add(1) <= 2 {
					return 2 * time.Second
				}
				return 0
			})
			ns := NewNamespace(m, time.Hour)
			if _, _, err := tc.write(ctx, m, ns, false); err != nil {
				t.Fatalf("slow write: %v, want it handed to the background", err)
			}
			waitCount(t, &sets, 2, "the background did not try the write again")
			key, want, err := tc.write(ctx, m, ns, true)
			if err != nil {
				t.Fatal(err)
			}
			waitWrites(t, m)
			direct := directClient(t, addr)
			if got, _, err := direct.Get(ctx, key); err != nil || string(got) != want {
				t.Errorf("after the background write: %q (%v), want the newer write's %q", got, err, want)
			}
		})
	}
}

// A write issued after one handed to the background lands after it, as a
// feed snapshot's head is written after the piece it names: a head found
// without its piece sends the replica that reads it to MISP.
func TestWritesLandInTheOrderIssued(t *testing.T) {
	ctx := context.Background()
	addr, _ := memcachedtest.Start(t)
	// Large pieces of a request reach memcached a second late.
	m := heldClient(t, addr, func(b []byte) time.Duration {
		if len(b) > 4<<10 {
			return time.Second
		}
		return 0
	})
	direct := directClient(t, addr)
	piece := bytes.Repeat([]byte("0123456789abcdef"), 3<<15) // 1.5 MiB: two chunks
	if err := m.Set(ctx, "piece", piece, time.Hour); err != nil {
		t.Fatalf("slow write: %v, want it handed to the background", err)
	}
	if err := m.Set(ctx, "head", []byte("names piece"), time.Hour); err != nil {
		t.Fatal(err)
	}
	_, headThere, _ := direct.Get(ctx, "head")
	_, pieceThere, _ := direct.Get(ctx, "piece")
	if headThere && !pieceThere {
		t.Fatal("the head was written before the piece issued ahead of it")
	}
	waitWrites(t, m)
	for _, key := range []string{"piece", "head"} {
		if _, ok, err := direct.Get(ctx, key); !ok || err != nil {
			t.Errorf("%s after the background writes: ok=%v err=%v", key, ok, err)
		}
	}
}

// heldClient returns a client, closed when the test ends, of the
// memcached at addr through a proxy holding each piece of a request back
// by hold(its bytes); a request not answered in 200 ms is handed to the
// background.
func heldClient(t *testing.T, addr string, hold func(b []byte) time.Duration) *Memcached {
	t.Helper()
	m, err := NewMemcached(Options{Servers: []string{holdingProxy(t, addr, hold)}, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// waitCount waits up to a minute for n to reach want, failing t with
// failure if it does not.
func waitCount(t *testing.T, n *atomic.Int64, want int64, failure string) {
	t.Helper()
	testtool.WaitFor(t, failure, time.Minute, func() bool { return n.Load() >= want })
}

// directClient returns a client of the memcached at addr itself, past any
// proxy, closed when the test ends.
func directClient(t *testing.T, addr string) *Memcached {
	t.Helper()
	direct, err := NewMemcached(Options{Servers: []string{addr}, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })
	return direct
}

// waitWrites waits up to a minute for m's background writes to land.
func waitWrites(t *testing.T, m *Memcached) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.WaitWrites(ctx); err != nil {
		t.Fatal(err)
	}
}
