package cache

import (
	"context"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"
)

// TierOptions configure a Tier.
type TierOptions[V any] struct {
	// LocalBytes bounds the decoded copies kept in process.
	LocalBytes int64
	// LastGoodBytes bounds the last good copies (0: none are kept). The
	// most recent one is kept even when it alone is larger.
	LastGoodBytes int64
	// SizeOf is what a value is charged against both budgets.
	SizeOf func(key string, v V) int64
	// Encode and Decode carry values to and from the shared store.
	Encode func(V) []byte
	Decode func([]byte) (V, error)
	// Shared is the store shared by every process (nil: none).
	Shared *Backoff
	// Clock is the time local expiries are compared with (nil: time.Now).
	Clock func() time.Time
	// SharedFloor is the least time a copy is kept in the shared store,
	// whatever its own lifetime: other processes waiting for a build
	// poll for its result and must still find it when the build took
	// longer than that lifetime. Readers of the shared store judge what
	// they find with their own usable check, never by its presence.
	SharedFloor time.Duration
}

// Tier is one kind of cached value at every level: a decoded copy in
// process, an encoded copy in the shared store (memcached, behind a
// Backoff), one build at a time per key, and the last good copy of each
// key for when building fails. Local copies expire; a copy may be kept
// past its expiry, to be served while it is rebuilt (Peek). The shared
// store failing is a miss, never an error. It is safe for concurrent use.
type Tier[V any] struct {
	local    *LRU[string, V]
	lastGood *LRU[string, V] // nil: none kept
	shared   *Backoff
	encode   func(V) []byte
	decode   func([]byte) (V, error)
	now      func() time.Time
	floor    time.Duration
	flights  singleflight.Group
	loads    loadFlights // Load's fills
}

// NewTier returns an empty Tier.
func NewTier[V any](o TierOptions[V]) *Tier[V] {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	t := &Tier[V]{shared: o.Shared, encode: o.Encode, decode: o.Decode, now: o.Clock, floor: o.SharedFloor,
		local: NewLRU(LRUOptions[string, V]{MaxBytes: o.LocalBytes, SizeOf: o.SizeOf, Clock: o.Clock})}
	if o.LastGoodBytes > 0 {
		t.lastGood = NewLRU(LRUOptions[string, V]{MaxBytes: o.LastGoodBytes, SizeOf: o.SizeOf, KeepLast: true})
	}
	return t
}

// Get returns the live local copy of key.
func (t *Tier[V]) Get(key string) (V, bool) { return t.local.Get(key) }

// Peek returns the local copy of key, expired or not, with its expiry,
// while it is kept.
func (t *Tier[V]) Peek(key string) (V, time.Time, bool) { return t.local.Peek(key) }

// Keep stores v as the local copy of key, live until expires and kept for
// Peek until keep.
func (t *Tier[V]) Keep(key string, v V, expires, keep time.Time) {
	t.local.SetUntil(key, v, expires, keep)
}

// FromShared returns the shared store's copy of key, decoded. Nothing
// there, a store failure or a copy that does not decode is a miss.
func (t *Tier[V]) FromShared(ctx context.Context, key string) (V, bool) {
	var zero V
	if t.shared == nil {
		return zero, false
	}
	b, ok, err := t.shared.Get(ctx, key)
	if err != nil || !ok {
		return zero, false
	}
	v, err := t.decode(b)
	if err != nil {
		return zero, false
	}
	return v, true
}

// Publish writes v, encoded, to the shared store under key for ttl (at
// least the tier's SharedFloor). A store failure is left to the Backoff.
func (t *Tier[V]) Publish(ctx context.Context, key string, v V, ttl time.Duration) {
	if t.shared != nil {
		_ = t.shared.Set(ctx, key, t.encode(v), max(ttl, t.floor))
	}
}

// LastGood returns the last good copy of key.
func (t *Tier[V]) LastGood(key string) (V, bool) {
	if t.lastGood == nil {
		var zero V
		return zero, false
	}
	return t.lastGood.Get(key)
}

// SetLastGood makes v the last good copy of key.
func (t *Tier[V]) SetLastGood(key string, v V) {
	if t.lastGood != nil {
		t.lastGood.Set(key, v, 0)
	}
}

// DoChan runs fill once at a time per key: callers arriving while it
// runs get its result too, on the channel.
func (t *Tier[V]) DoChan(key string, fill func() (any, error)) <-chan singleflight.Result {
	return t.flights.DoChan(key, fill)
}

// Load returns the copy of key that usable accepts: the local one, else
// the shared one, else fill's (once at a time per key: callers arriving
// while it runs wait for its result). A copy from the shared store or
// from fill is kept locally for ttl, and fill's is also written to the
// shared store for ttl, unless fill reports that it read it from there
// (another process built it while fill waited). fill's error is
// returned. fill runs in a context of its own, with the values and the
// deadline of the ctx that started it: it goes on when that caller
// leaves (its ctx ends, and Load returns ctx's error) while others wait
// for it, and is cancelled once every caller waiting has left.
func (t *Tier[V]) Load(ctx context.Context, key string, ttl time.Duration, usable func(V) bool, fill func(ctx context.Context) (v V, fromShared bool, err error)) (V, error) {
	expires := t.now().Add(ttl)
	if v, ok := t.local.Get(key); ok && usable(v) {
		return v, nil
	}
	if v, ok := t.FromShared(ctx, key); ok && usable(v) {
		t.local.SetUntil(key, v, expires, expires)
		return v, nil
	}
	got, err := t.loads.do(ctx, key, func(ctx context.Context) (any, error) {
		v, fromShared, err := fill(ctx)
		if err != nil {
			return nil, err
		}
		t.local.SetUntil(key, v, expires, expires)
		if !fromShared {
			t.Publish(ctx, key, v, ttl)
		}
		return v, nil
	})
	if err != nil {
		var zero V
		return zero, err
	}
	return got.(V), nil
}

// Waiting is how many Loads of key wait for its fill.
func (t *Tier[V]) Waiting(key string) int { return t.loads.waiting(key) }

// Clear forgets every local copy; last good copies are kept.
func (t *Tier[V]) Clear() { t.local.Clear() }

// DropLocal forgets the local copies whose key starts with prefix, and
// returns how many it forgot; last good copies are kept. A caller that has
// made keys unreachable (Namespace.Bump) frees their memory with it rather
// than waiting for the budget to push them out.
func (t *Tier[V]) DropLocal(prefix string) int {
	n := 0
	for k := range t.local.All() {
		if strings.HasPrefix(k, prefix) && t.local.Delete(k) {
			n++
		}
	}
	return n
}

// TierBytes are what a Tier's budgets are charged now.
type TierBytes struct {
	Local, LastGood int64
}

// Bytes returns what the local and last good copies are charged.
func (t *Tier[V]) Bytes() TierBytes {
	b := TierBytes{Local: t.local.Bytes()}
	if t.lastGood != nil {
		b.LastGood = t.lastGood.Bytes()
	}
	return b
}
