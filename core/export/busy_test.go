package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/misp"
)

// A wait for a build or render slot that ends before one is free is
// ErrBusy naming the slots, never a MISP timeout: MISP was not asked.
func TestSlotWaitPastItsDeadlineIsBusy(t *testing.T) {
	r := limitsRequest("http://127.0.0.1:1", "k", "1d")
	tests := []struct {
		name string
		wait func(b *buildLimiter, ctx context.Context) (func(), error)
		free int // slots the wait may take
		want string
	}{
		{"build slot", func(b *buildLimiter, ctx context.Context) (func(), error) { return b.acquire(ctx, r.Site.Name) }, 2,
			"busy: no build slot free (max_concurrent_builds 2)"},
		{"token's share", func(b *buildLimiter, ctx context.Context) (func(), error) { return b.takeShare(ctx, r) }, 1,
			"busy: no build slot free for this token (1 of max_concurrent_builds 2)"},
		{"site's share", func(b *buildLimiter, ctx context.Context) (func(), error) {
			b.lim.Sites = func() int { return 2 }
			return b.acquire(ctx, r.Site.Name)
		}, 1,
			"busy: no build slot free for this site (1 of max_concurrent_builds 2 kept for other sites)"},
		{"render slot", func(b *buildLimiter, ctx context.Context) (func(), error) {
			return b.renders.take(ctx, r, renderSlotFrom)
		}, 1,
			"busy: no render slot free (1 renders at once)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuildLimiter(Limits{MaxBuilds: 2})
			b.renders = renderSlots{slots: make(chan struct{}, 1), shares: shareSet{m: map[string]*share{}}, from: renderSlotFrom}
			// Every slot is taken first, with time to spare: a short
			// deadline here may end before a free slot is taken.
			held := 0
			for range tt.free {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				release, err := tt.wait(b, ctx)
				cancel()
				if err != nil {
					t.Fatalf("taking free slot %d: %v", held+1, err)
				}
				defer release()
				held++
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			_, err := tt.wait(b, ctx)
			if held == 0 || err == nil || err.Error() != tt.want || !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("wait with %d held: %v, want %q (ErrBusy, the deadline's error)", held, err, tt.want)
			}
			if me := new(misp.Error); errors.As(err, &me) {
				t.Errorf("wait reported as a MISP error: %v", me)
			}
		})
	}
}
