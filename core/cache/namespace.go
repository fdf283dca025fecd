package cache

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultGenerationMaxAge is how long a Namespace trusts its in-process copy
// of a generation before reading the store again.
const DefaultGenerationMaxAge = time.Second

const (
	genKeyPrefix = "gen:"      // + group: a group's generation
	flushKey     = "gen!flush" // the global generation, bumped by Flush
)

// Namespace invalidates groups of keys in a store that cannot list them.
//
// Each group has a generation stored in the shared store under
// "gen:<group>", and Key embeds it (and the global generation) in every key
// it builds. Bump replaces the group's generation, so every key built
// before becomes unreachable and expires by its TTL; Flush does the same
// for all groups. Generations are random rather than counted: a lost
// generation item (evicted, or memcached restarted) is replaced by a new
// value, which can only hide entries, never bring old ones back, and
// processes racing to create or bump one need no atomic increment.
//
// Each process caches generations for at most maxAge, so a Bump in one
// process is seen by the others within that time (or, when the store is
// slower than knownGenerationWait, once it answers). When the store fails, the
// last known generation is kept (or a process-local one made up), so keys
// remain usable with the process-local cache.
type Namespace struct {
	store  Store
	maxAge time.Duration
	flight singleflight.Group

	mu      sync.Mutex
	gens    map[string]generation  // by store key
	reading map[string]bool        // known generations being read again
	version uint64                 // counts remember calls
	built   map[[2]string]builtKey // by group and key, see Key
}

// builtKey is a key Key built, with the generations it embeds: asked
// for the same group and key, Key returns it until one of them changes,
// instead of building the same string again.
type builtKey struct {
	genKey        string // the group's store key
	global, group string // the generations
	key           string
}

// maxBuiltKeys bounds the keys remembered; they are forgotten all at
// once when there are that many.
const maxBuiltKeys = 4096

type generation struct {
	value   string
	fetched time.Time
	version uint64 // when it was remembered, to detect later changes
}

// NewNamespace returns a Namespace keeping its generations in store: the
// store shared by every process (memcached) when there is one, so that
// every process sees the same generations. maxAge <= 0 means
// DefaultGenerationMaxAge.
func NewNamespace(store Store, maxAge time.Duration) *Namespace {
	if maxAge <= 0 {
		maxAge = DefaultGenerationMaxAge
	}
	return &Namespace{store: store, maxAge: maxAge, gens: make(map[string]generation), reading: make(map[string]bool), built: make(map[[2]string]builtKey)}
}

// Key returns the store key for key in group under the current generations.
// It never fails: see the Namespace documentation for store failures.
func (n *Namespace) Key(ctx context.Context, group, key string) string {
	bk := [2]string{group, key}
	n.mu.Lock()
	b, ok := n.built[bk]
	n.mu.Unlock()
	if !ok {
		b.genKey = genKeyPrefix + group
	}
	now := time.Now()
	global := n.generation(ctx, flushKey, now)
	g := n.generation(ctx, b.genKey, now)
	if ok && b.global == global && b.group == g {
		return b.key
	}
	// The group's length keeps group and key apart whatever they contain.
	b.global, b.group = global, g
	b.key = "ns:" + global + ":" + g + ":" + strconv.Itoa(len(group)) + ":" + group + ":" + key
	n.mu.Lock()
	if len(n.built) >= maxBuiltKeys {
		clear(n.built)
	}
	n.built[bk] = b
	n.mu.Unlock()
	return b.key
}

// Bump makes every key built for group so far unreachable. The new
// generation is used by this process even when storing it fails.
func (n *Namespace) Bump(ctx context.Context, group string) error {
	if err := n.bump(ctx, genKeyPrefix+group); err != nil {
		return fmt.Errorf("cache: namespace bump %q: %w", group, err)
	}
	return nil
}

// Flush makes every key built by any Namespace on the store unreachable.
func (n *Namespace) Flush(ctx context.Context) error {
	if err := n.bump(ctx, flushKey); err != nil {
		return fmt.Errorf("cache: namespace flush: %w", err)
	}
	return nil
}

func (n *Namespace) bump(ctx context.Context, storeKey string) error {
	v := rand.Text()
	n.remember(storeKey, v, true, 0)
	return n.store.Set(ctx, storeKey, []byte(v), 0)
}

// generation returns the generation stored under storeKey, read from the
// store at most once per maxAge and once at a time.
func (n *Namespace) generation(ctx context.Context, storeKey string, now time.Time) string {
	n.mu.Lock()
	cur, known := n.gens[storeKey]
	reading := n.reading[storeKey]
	if known && now.Sub(cur.fetched) >= n.maxAge && !reading {
		n.reading[storeKey] = true
	}
	n.mu.Unlock()
	if known && (now.Sub(cur.fetched) < n.maxAge || reading) {
		return cur.value
	}
	// The read outlives a request that gives up: others may share it.
	ch := n.flight.DoChan(storeKey, func() (any, error) {
		defer func() {
			n.mu.Lock()
			delete(n.reading, storeKey)
			n.mu.Unlock()
		}()
		return n.load(context.WithoutCancel(ctx), storeKey), nil
	})
	if !known {
		return (<-ch).Val.(string)
	}
	wait := time.NewTimer(knownGenerationWait)
	defer wait.Stop()
	select {
	case r := <-ch:
		return r.Val.(string)
	case <-wait.C:
		return cur.value // the read goes on, for the requests after
	}
}

// knownGenerationWait is how long the request that reads a generation it
// knows again from the store waits for it before it goes on with the one
// it knows (requests meanwhile do not wait): a store that hangs (memcached accepting connections and not
// answering) would otherwise hold a request of every group for its
// timeout, twice (the global and the group's generation), once a maxAge.
const knownGenerationWait = 50 * time.Millisecond

// load reads a generation from the store, creating it when missing. On a
// store failure it keeps the last known one (or makes up a local one) until
// the next maxAge.
func (n *Namespace) load(ctx context.Context, storeKey string) string {
	n.mu.Lock()
	cur := n.gens[storeKey]
	n.mu.Unlock()
	v := cur.value
	b, ok, err := n.store.Get(ctx, storeKey)
	switch {
	case err == nil && ok && len(b) > 0:
		v = string(b)
	case err == nil:
		v = n.create(ctx, storeKey)
	case v == "":
		v = rand.Text()
	}
	return n.remember(storeKey, v, false, cur.version)
}

// create stores a new generation under storeKey and returns it; when the
// store can add, processes racing to create it all get the first one
// written. If storing fails, the next reader creates another one: a
// harmless extra invalidation.
func (n *Namespace) create(ctx context.Context, storeKey string) string {
	v := rand.Text()
	a, ok := n.store.(Adder)
	if !ok {
		_ = n.store.Set(ctx, storeKey, []byte(v), 0)
		return v
	}
	if added, err := a.Add(ctx, storeKey, []byte(v), 0); err == nil && !added {
		if b, ok, err := n.store.Get(ctx, storeKey); err == nil && ok && len(b) > 0 {
			return string(b) // another process created it first
		}
	}
	return v
}

// remember caches value for storeKey and returns the value now cached. A
// load passes the version it started from: an entry remembered since then
// (by a Bump while the store was read) is newer and wins. A Bump passes
// force.
func (n *Namespace) remember(storeKey, value string, force bool, since uint64) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if cur, ok := n.gens[storeKey]; ok && !force && cur.version != since {
		return cur.value
	}
	n.version++
	n.gens[storeKey] = generation{value: value, fetched: time.Now(), version: n.version}
	return value
}
