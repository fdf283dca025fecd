package cache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// leasingStore is a switchStore that grants every lease while it is up.
type leasingStore struct{ *switchStore }

func (s leasingStore) Lease(context.Context, string, string, time.Duration) (bool, error) {
	err := s.enter()
	return err == nil, err
}

func (s leasingStore) RenewLease(context.Context, string, string, time.Duration) (bool, error) {
	err := s.enter()
	return err == nil, err
}

func (s leasingStore) ReleaseLease(context.Context, string, string) error { return s.enter() }

func TestBackoffLeaserOf(t *testing.T) {
	var none *Backoff
	if none.Leaser() != nil || NewBackoff(NewMemory(1<<20), 0, nil).Leaser() != nil {
		t.Fatal("a back-off without a store that leases has a Leaser")
	}
	store := leasingStore{&switchStore{inner: NewMemory(1 << 20)}}
	if LeaserOf(NewBackoff(store, 0, nil)) != Leaser(store) {
		t.Fatal("LeaserOf does not find the leases behind a back-off")
	}
}

// Leases pause with the reads: a store that failed is not asked for a
// lease again before RetryAfter, and a lease failure is a failure of the
// store.
func TestBackoffPausesLeases(t *testing.T) {
	ctx := context.Background()
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	store := leasingStore{&switchStore{inner: NewMemory(1 << 20)}}
	b := newTestBackoff(store, clock)
	l := b.Leaser()
	steps := []struct {
		name    string
		down    bool
		advance time.Duration
		op      func() (bool, error)
		want    bool
		wantErr error
		calls   int // calls that reach the store
		healthy bool
	}{
		{"granted", false, 0, func() (bool, error) { return l.Lease(ctx, "k", "a", time.Second) }, true, nil, 1, true},
		{"store fails", true, 0, func() (bool, error) { return l.Lease(ctx, "k", "a", time.Second) }, false, errDown, 1, false},
		{"paused", false, 0, func() (bool, error) { return l.Lease(ctx, "k", "a", time.Second) }, false, ErrBackingOff, 0, false},
		{"tried again after RetryAfter", false, time.Second, func() (bool, error) { return l.Lease(ctx, "k", "a", time.Second) }, true, nil, 1, true},
		{"renewal fails", true, 0, func() (bool, error) { return l.RenewLease(ctx, "k", "a", time.Second) }, false, errDown, 1, false},
		{"release is tried while paused", false, 0, func() (bool, error) { return false, l.ReleaseLease(ctx, "k", "a") }, false, nil, 1, true},
	}
	for _, s := range steps {
		store.setDown(s.down)
		clock.Advance(s.advance)
		before := store.count()
		got, err := s.op()
		if got != s.want || !errors.Is(err, s.wantErr) || (err == nil) != (s.wantErr == nil) {
			t.Fatalf("%s: %v, %v; want %v, %v", s.name, got, err, s.want, s.wantErr)
		}
		if n := store.count() - before; n != s.calls {
			t.Errorf("%s: %d calls reached the store, want %d", s.name, n, s.calls)
		}
		if b.Healthy() != s.healthy {
			t.Errorf("%s: healthy %v, want %v", s.name, b.Healthy(), s.healthy)
		}
	}
}
