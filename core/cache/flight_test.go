package cache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/workgroup"
)

// A fill outlives the caller that started it while another waits for
// it, and is cancelled once every caller has left.
func TestTierLoadFillOutlivesItsStarter(t *testing.T) {
	tests := []struct {
		name         string
		secondLeaves bool
	}{
		{"the joiner gets the value", false},
		{"the fill stops when both leave", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tier := newTestTier(NewMemory(1<<20), testtool.NewClock(time.Unix(1_700_000_000, 0)), 0)
			started, release, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			fill := func(ctx context.Context) (string, bool, error) {
				close(started)
				select {
				case <-release:
					return "value", false, nil
				case <-ctx.Done():
					ended <- ctx.Err()
					return "", false, ctx.Err()
				}
			}
			always := func(string) bool { return true }
			first, leaveFirst := context.WithCancel(context.Background())
			second, leaveSecond := context.WithCancel(context.Background())
			defer leaveSecond()
			firstErr, secondGot := make(chan error, 1), make(chan error, 1)
			var got string
			go func() {
				_, err := tier.Load(first, "k", time.Minute, always, fill)
				firstErr <- err
			}()
			<-started
			go func() {
				var err error
				got, err = tier.Load(second, "k", time.Minute, always, built("another fill", nil))
				secondGot <- err
			}()
			for deadline := time.Now().Add(time.Minute); tier.Waiting("k") != 2; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the second caller did not join the fill within a minute")
				}
			}
			leaveFirst()
			if err := <-firstErr; !errors.Is(err, context.Canceled) {
				t.Fatalf("the first caller: %v, want its own cancellation", err)
			}
			if tc.secondLeaves {
				leaveSecond()
				if err := <-ended; !errors.Is(err, context.Canceled) {
					t.Fatalf("the fill ended with %v, want cancelled", err)
				}
				if err := <-secondGot; !errors.Is(err, context.Canceled) {
					t.Fatalf("the second caller: %v, want its own cancellation", err)
				}
				return
			}
			close(release)
			if err := <-secondGot; err != nil || got != "value" {
				t.Fatalf("the second caller: %q %v, want the first fill's value", got, err)
			}
			if tier.Waiting("k") != 0 {
				t.Fatal("callers are still counted after the fill")
			}
		})
	}
}

// A fill keeps the deadline of the caller that started it, whose wait
// ends with the fill's error, and a fill that panics panics in its
// caller with the fill's stack.
func TestTierLoadFillDeadlineAndPanic(t *testing.T) {
	tier := newTestTier(NewMemory(1<<20), testtool.NewClock(time.Unix(1_700_000_000, 0)), 0)
	always := func(string) bool { return true }
	deadline := time.Now().Add(time.Hour)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	_, err := tier.Load(ctx, "deadline", time.Minute, always, func(ctx context.Context) (string, bool, error) {
		if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
			return "", false, errors.New("the fill lost its starter's deadline")
		}
		return "v", false, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A caller past the fill's deadline gets the fill's own error.
	past, cancelPast := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelPast()
	timedOut := errors.New("no answer in time")
	_, err = tier.Load(past, "past", time.Minute, always, func(ctx context.Context) (string, bool, error) {
		<-ctx.Done()
		return "", false, timedOut
	})
	if err != timedOut {
		t.Fatalf("past the deadline: %v, want the fill's error", err)
	}
	defer func() {
		p, ok := recover().(*workgroup.Panic)
		if !ok || p.Value != "a fill's bug" || len(p.Stack) == 0 {
			t.Fatalf("recovered %v, want the fill's panic with its stack", p)
		}
	}()
	_, _ = tier.Load(context.Background(), "panics", time.Minute, always, func(context.Context) (string, bool, error) {
		panic("a fill's bug")
	})
	t.Fatal("Load returned from a fill that panicked")
}
