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
		want string
	}{
		{"build slot", func(b *buildLimiter, ctx context.Context) (func(), error) { return b.acquire(ctx, r.Site.Name) },
			"busy: no build slot free (max_concurrent_builds 2)"},
		{"token's share", func(b *buildLimiter, ctx context.Context) (func(), error) { return b.takeShare(ctx, r) },
			"busy: no build slot free for this token (1 of max_concurrent_builds 2)"},
		{"render slot", func(b *buildLimiter, ctx context.Context) (func(), error) {
			return b.renders.take(ctx, r, renderSlotFrom)
		},
			"busy: no render slot free (1 renders at once)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuildLimiter(Limits{MaxBuilds: 2})
			b.renders = renderSlots{slots: make(chan struct{}, 1), shares: shareSet{m: map[string]*share{}}, from: renderSlotFrom}
			held := 0
			for i := 0; i < 2; i++ { // every slot the wait may take
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
				if release, err := tt.wait(b, ctx); err == nil {
					defer release()
					held++
				}
				cancel()
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
