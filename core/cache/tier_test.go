package cache

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

func newTestTier(shared Store, clock *testtool.Clock, lastGood int64) *Tier[string] {
	return NewTier(TierOptions[string]{
		LocalBytes: 1 << 10, LastGoodBytes: lastGood,
		SizeOf: func(_ string, v string) int64 { return int64(len(v)) },
		Encode: func(v string) []byte { return []byte("enc:" + v) },
		Decode: func(b []byte) (string, error) {
			if len(b) < 4 || string(b[:4]) != "enc:" {
				return "", errors.New("corrupt")
			}
			return string(b[4:]), nil
		},
		Shared: NewBackoff(shared, time.Minute, nil),
		Clock:  clock.Now,
	})
}

// built is a fill that builds v (or fails with err).
func built(v string, err error) func(context.Context) (string, bool, error) {
	return func(context.Context) (string, bool, error) { return v, false, err }
}

// A fill that read its value from the shared store (another process
// built it) does not write it back; one that built it does.
func TestTierLoadPublishesOnlyBuilds(t *testing.T) {
	ctx := context.Background()
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	tests := []struct {
		name       string
		fromShared bool
		want       string // the shared store's value afterwards; "" none
	}{
		{"built here", false, "enc:v"},
		{"taken from another process", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shared := NewMemory(1 << 20)
			tier := newTestTier(shared, clock, 0)
			fill := func(context.Context) (string, bool, error) { return "v", tc.fromShared, nil }
			if v, err := tier.Load(ctx, "k", time.Minute, func(string) bool { return true }, fill); err != nil || v != "v" {
				t.Fatalf("load: %q %v", v, err)
			}
			if v, ok := tier.Get("k"); !ok || v != "v" {
				t.Fatalf("local copy %q %v", v, ok)
			}
			b, _, _ := shared.Get(ctx, "k")
			if string(b) != tc.want {
				t.Fatalf("shared store holds %q, want %q", b, tc.want)
			}
		})
	}
}

func TestTierLoadOneFillAtATime(t *testing.T) {
	ctx := context.Background()
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	shared := NewMemory(1 << 20)
	tier := newTestTier(shared, clock, 0)
	var fills atomic.Int32
	release := make(chan struct{})
	fill := func(context.Context) (string, bool, error) {
		fills.Add(1)
		<-release
		return "value", false, nil
	}
	const n = 8
	var wg sync.WaitGroup
	got := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = tier.Load(ctx, "k", time.Minute, func(string) bool { return true }, fill)
		}()
	}
	for fills.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	for i, v := range got {
		if v != "value" {
			t.Fatalf("caller %d got %q", i, v)
		}
	}
	if n := fills.Load(); n != 1 {
		t.Fatalf("%d fills, want 1", n)
	}
	if b, ok, _ := shared.Get(ctx, "k"); !ok || string(b) != "enc:value" {
		t.Fatalf("shared copy %q %v", b, ok)
	}
	// Another process (an empty local level) reads the shared copy.
	other := newTestTier(shared, clock, 0)
	if v, err := other.Load(ctx, "k", time.Minute, func(string) bool { return true }, fill); err != nil || v != "value" || fills.Load() != 1 {
		t.Fatalf("shared copy not used: %q %v, %d fills", v, err, fills.Load())
	}
	// A copy the caller does not accept is replaced.
	v, err := tier.Load(ctx, "k", time.Minute, func(v string) bool { return v != "value" }, built("newer", nil))
	if err != nil || v != "newer" {
		t.Fatalf("refused copy: %q %v", v, err)
	}
	// Expired locally: read again.
	clock.Advance(time.Minute)
	if _, ok := tier.Get("k"); ok {
		t.Fatal("local copy served past its ttl")
	}
}

func TestTierSharedFailureIsAMiss(t *testing.T) {
	ctx := context.Background()
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	store := &switchStore{inner: NewMemory(1 << 20)}
	tier := newTestTier(store, clock, 0)
	_ = store.inner.Set(ctx, "corrupt", []byte("garbage"), 0)
	if _, ok := tier.FromShared(ctx, "corrupt"); ok {
		t.Fatal("a copy that does not decode was served")
	}
	store.setDown(true)
	v, err := tier.Load(ctx, "k", time.Minute, func(string) bool { return true }, built("built", nil))
	if err != nil || v != "built" {
		t.Fatalf("load with the shared store down: %q %v", v, err)
	}
	failing := errors.New("misp down")
	if _, err := tier.Load(ctx, "other", time.Minute, func(string) bool { return true }, built("", failing)); !errors.Is(err, failing) {
		t.Fatalf("fill error %v", err)
	}
}

func TestTierLastGoodAndKeep(t *testing.T) {
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	tier := newTestTier(nil, clock, 10)
	for i := range 5 {
		tier.SetLastGood("k"+strconv.Itoa(i), "12345")
	}
	if _, ok := tier.LastGood("k2"); ok {
		t.Fatal("last good copies past their budget kept")
	}
	if v, ok := tier.LastGood("k4"); !ok || v != "12345" {
		t.Fatal("latest last good copy lost")
	}
	tier.SetLastGood("big", "a value larger than the budget")
	if _, ok := tier.LastGood("big"); !ok {
		t.Fatal("the most recent last good copy was not kept")
	}
	now := clock.Now()
	tier.Keep("list", "v1", now.Add(time.Minute), now.Add(time.Hour))
	clock.Advance(2 * time.Minute)
	if _, ok := tier.Get("list"); ok {
		t.Fatal("expired copy served by Get")
	}
	if v, exp, ok := tier.Peek("list"); !ok || v != "v1" || !exp.Equal(now.Add(time.Minute)) {
		t.Fatalf("kept copy: %q %v %v", v, exp, ok)
	}
	if b := tier.Bytes(); b.Local != 2 || b.LastGood != int64(len("a value larger than the budget")) {
		t.Fatalf("bytes %+v", b)
	}
	tier.Clear()
	if _, _, ok := tier.Peek("list"); ok {
		t.Fatal("Clear kept a local copy")
	}
	if _, ok := tier.LastGood("big"); !ok {
		t.Fatal("Clear dropped a last good copy")
	}
	nothing := newTestTier(nil, clock, 0)
	nothing.SetLastGood("k", "v")
	if _, ok := nothing.LastGood("k"); ok {
		t.Fatal("a tier without last good copies kept one")
	}
}

// ttlRecorder is a shared store that remembers the lifetime of each write.
type ttlRecorder struct {
	*Memory
	ttls map[string]time.Duration
}

func (r *ttlRecorder) Set(ctx context.Context, key string, b []byte, ttl time.Duration) error {
	r.ttls[key] = ttl
	return r.Memory.Set(ctx, key, b, ttl)
}

// A copy is written to the shared store for its own lifetime, but never
// for less than the tier's floor, so processes polling for a slow build's
// result still find it.
func TestTierPublishKeepsTheFloor(t *testing.T) {
	tests := []struct {
		name       string
		floor, ttl time.Duration
		want       time.Duration
	}{
		{"lifetime above the floor", 10 * time.Second, time.Minute, time.Minute},
		{"lifetime below the floor", 10 * time.Second, time.Second, 10 * time.Second},
		{"no floor", 0, time.Second, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shared := &ttlRecorder{Memory: NewMemory(1 << 20), ttls: map[string]time.Duration{}}
			tier := NewTier(TierOptions[string]{LocalBytes: 1 << 10, Encode: func(v string) []byte { return []byte(v) },
				Shared: NewBackoff(shared, time.Minute, nil), SharedFloor: tc.floor})
			tier.Publish(context.Background(), "k", "v", tc.ttl)
			if got := shared.ttls["k"]; got != tc.want {
				t.Fatalf("written for %s, want %s", got, tc.want)
			}
		})
	}
}
