package cache

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// leaseTTL reads the seconds left on key's lease item with memcached's
// meta get, or -1 when there is no lease item.
func leaseTTL(t *testing.T, addr string, m *Memcached, key string) int {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("mg " + m.itemKey(leaseKeyPrefix+key) + " t\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(buf[:n]))
	if line == "EN" {
		return -1
	}
	_, ttl, ok := strings.Cut(line, " t")
	secs, err := strconv.Atoi(ttl)
	if !ok || err != nil {
		t.Fatalf("meta get answered %q", line)
	}
	return secs
}

func TestMemcachedLeaseHolders(t *testing.T) {
	m, addr, _ := newTestMemcached(t)
	ctx := context.Background()
	type step struct {
		name   string
		op     func() (bool, error)
		want   bool
		ttlMin int // seconds left on the lease after the step; -1: none
		ttlMax int
	}
	lease := func(holder string, ttl time.Duration) func() (bool, error) {
		return func() (bool, error) { return m.Lease(ctx, "list", holder, ttl) }
	}
	renew := func(holder string, ttl time.Duration) func() (bool, error) {
		return func() (bool, error) { return m.RenewLease(ctx, "list", holder, ttl) }
	}
	release := func(holder string) func() (bool, error) {
		return func() (bool, error) { return true, m.ReleaseLease(ctx, "list", holder) }
	}
	steps := []step{
		{"a takes the free lease", lease("a", 20*time.Second), true, 18, 20},
		{"b cannot take it", lease("b", time.Minute), false, 18, 20},
		{"a cannot take it twice", lease("a", time.Minute), false, 18, 20},
		{"b cannot renew it", renew("b", time.Hour), false, 18, 20},
		{"b's release changes nothing", release("b"), true, 18, 20},
		{"a renews it", renew("a", 100*time.Second), true, 98, 100},
		{"a releases it", release("a"), true, -1, -1},
		{"a cannot renew a released lease", renew("a", time.Minute), false, -1, -1},
		{"b takes it once released", lease("b", 30*time.Second), true, 28, 30},
		{"a's late release leaves b's lease", release("a"), true, 28, 30},
		{"other keys are free", func() (bool, error) { return m.Lease(ctx, "other list", "a", time.Minute) }, true, 28, 30},
	}
	for _, s := range steps {
		got, err := s.op()
		if err != nil || got != s.want {
			t.Fatalf("%s: got %v, %v; want %v", s.name, got, err, s.want)
		}
		if ttl := leaseTTL(t, addr, m, "list"); ttl < s.ttlMin || ttl > s.ttlMax {
			t.Fatalf("%s: lease has %d s left, want %d to %d", s.name, ttl, s.ttlMin, s.ttlMax)
		}
	}
	if v, ok, err := m.Get(ctx, "list"); ok || err != nil {
		t.Errorf("the lease reads as the key's value: %q %v %v", v, ok, err)
	}
}

func TestMemcachedLeaseExpires(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx := context.Background()
	if ok, err := m.Lease(ctx, "snapshot", "dead holder", time.Second); !ok || err != nil {
		t.Fatalf("lease: %v %v", ok, err)
	}
	start := time.Now()
	deadline := start.Add(10 * time.Second)
	for {
		ok, err := m.Lease(ctx, "snapshot", "next holder", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a one-second lease was still held after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ok, _ := m.RenewLease(ctx, "snapshot", "dead holder", time.Minute); ok {
		t.Error("the expired holder renewed the lease taken over by another")
	}
	if err := m.ReleaseLease(ctx, "snapshot", "dead holder"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := m.Lease(ctx, "snapshot", "third holder", time.Minute); ok {
		t.Error("the expired holder's release ended the new holder's lease")
	}
}

func TestMemcachedLeaseRace(t *testing.T) {
	m, addr, _ := newTestMemcached(t)
	// Several processes: one client each.
	clients := []*Memcached{m, dial(t, addr), dial(t, addr), dial(t, addr)}
	var granted atomic.Int32
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			ok, err := clients[i%len(clients)].Lease(context.Background(), "race", "holder "+strconv.Itoa(i), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				granted.Add(1)
			}
		})
	}
	wg.Wait()
	if n := granted.Load(); n != 1 {
		t.Fatalf("%d of 32 racing holders got the lease, want 1", n)
	}
}

func TestLeaseRefusesBadArguments(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		holder string
		ttl    time.Duration
		want   error
	}{
		{"no expiry", context.Background(), "a", 0, errLeaseArgs},
		{"negative expiry", context.Background(), "a", -time.Second, errLeaseArgs},
		{"no holder", context.Background(), "", time.Second, errLeaseArgs},
		{"holder too long", context.Background(), strings.Repeat("h", maxHolderLen+1), time.Second, errLeaseArgs},
		{"canceled", canceled, "a", time.Second, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if ok, err := m.Lease(tc.ctx, "k", tc.holder, tc.ttl); ok || !errors.Is(err, tc.want) {
				t.Errorf("Lease = %v, %v; want false, %v", ok, err, tc.want)
			}
			if ok, err := m.RenewLease(tc.ctx, "k", tc.holder, tc.ttl); ok || !errors.Is(err, tc.want) {
				t.Errorf("RenewLease = %v, %v; want false, %v", ok, err, tc.want)
			}
		})
	}
}

// wrapped is a store wrapping another, as a back-off or metrics layer
// around memcached would.
type wrapped struct{ Store }

func (w wrapped) Unwrap() Store { return w.Store }

func TestLeaserOf(t *testing.T) {
	m := dial(t, "127.0.0.1:"+strconv.Itoa(testtool.FreePort(t)))
	mem := NewMemory(1 << 20)
	tests := []struct {
		name  string
		store Store
		want  Leaser
	}{
		{"memcached", m, m},
		{"memcached wrapped twice", wrapped{wrapped{m}}, m},
		{"memcached behind a back-off", NewBackoff(m, 0, nil), m},
		{"in-process behind a back-off", NewBackoff(mem, 0, nil), nil},
		{"in-process only", mem, nil},
		{"in-process wrapped", wrapped{mem}, nil},
		{"none", nil, nil},
	}
	for _, tc := range tests {
		if got := LeaserOf(tc.store); got != tc.want {
			t.Errorf("%s: LeaserOf = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A closed port: the lease reports the failure rather than granting.
func TestMemcachedLeaseServerDown(t *testing.T) {
	m := dial(t, "127.0.0.1:"+strconv.Itoa(testtool.FreePort(t)))
	if ok, err := m.Lease(context.Background(), "k", "a", time.Minute); ok || err == nil {
		t.Fatalf("Lease = %v, %v; want false and an error", ok, err)
	}
	if err := m.ReleaseLease(context.Background(), "k", "a"); err == nil {
		t.Fatal("ReleaseLease with the server down: no error")
	}
}
