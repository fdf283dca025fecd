package cache

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
)

// Defaults of Options.
const (
	DefaultMemcachedTimeout      = 500 * time.Millisecond
	DefaultMemcachedMaxItemSize  = 1 << 20 // memcached's default -I
	DefaultMemcachedMaxIdleConns = 32
)

const (
	// itemOverhead is reserved from MaxItemSize for what memcached charges
	// an item besides its value: its header, key (at most 250 bytes),
	// flags, CAS and the trailing CRLF. Keeping every value below
	// MaxItemSize-itemOverhead means no item is ever refused as too large
	// (which would also close the connection and drop the key's old value).
	itemOverhead = 1024
	// minItemSize keeps chunks to a sensible size.
	minItemSize = 4 << 10
	// maxPrefixLen bounds KeyPrefix so that every item key stays within
	// memcached's 250 bytes.
	maxPrefixLen = 100
	// relativeExpiryLimit is the longest expiration memcached reads as
	// relative to now; larger values are absolute unix times.
	relativeExpiryLimit = 30 * 24 * 60 * 60
	// chunkGrace lets chunks outlive their manifest a little, so that a
	// manifest written last never outlives its first chunks.
	chunkGrace = 30 * time.Second
	// pingTTL is the lifetime of the probe item written by Ping.
	pingTTL = 2 * time.Second
)

// ErrSASLUnsupported is returned by CheckCredentials when memcached
// credentials are configured: the client speaks the memcached text protocol,
// which has no SASL authentication.
var ErrSASLUnsupported = errors.New("cache: memcached SASL authentication is not supported: " +
	"leave memcached_user and memcached_pass empty and restrict access to memcached by network")

// CheckCredentials returns an error wrapping ErrSASLUnsupported when a
// memcached user or password is configured, so that start-up can refuse the
// configuration with a clear message instead of running unauthenticated.
// The password never appears in the error.
func CheckCredentials(user, pass string) error {
	if user == "" && pass == "" {
		return nil
	}
	return fmt.Errorf("cache: memcached credentials configured: %w", ErrSASLUnsupported)
}

// Options configures a Memcached store.
type Options struct {
	// Servers lists "host:port" addresses (or unix socket paths). Items
	// are spread over them by a CRC-32 of the item key modulo the number
	// of servers, so changing the list remaps most keys (they read as
	// misses). A host name is looked up again every ServerLookupEvery,
	// and soon after failures: a server whose name moves to another
	// address is used there.
	Servers []string
	// Timeout bounds each dial, read and write (default 500 ms).
	Timeout time.Duration
	// MaxItemSize is the servers' item size limit, memcached's -I
	// (default 1 MiB); it must not exceed any server's. Larger values are
	// chunked, and no item sent comes within 1 KiB of the limit.
	MaxItemSize int
	// MaxIdleConns is the number of idle connections kept per server
	// (default 32).
	MaxIdleConns int
	// KeyPrefix is prepended to every item key, to share servers between
	// deployments. At most 100 bytes, no spaces or control characters.
	KeyPrefix string
	// BackgroundTimeout bounds each dial, read and write of the writes
	// finished in the background (default 10 s): chunked values, and
	// values whose write timed out in the request path.
	BackgroundTimeout time.Duration
	// BackgroundRetries is how often a background write is tried
	// (default 3).
	BackgroundRetries int
	// Logger receives a line when a server moves to another address, or
	// its name stops or starts resolving again (nil: none).
	Logger *slog.Logger
}

// Memcached is a Store backed by one or several memcached servers through a
// single pooled client. Callers' keys are hashed (SHA-256) into legal item
// keys. Values that do not fit one item are chunked (see chunk.go); any
// missing or corrupt part reads as a miss. A server that is down makes Get
// and Set fail within Timeout; callers treat a Get error as a miss.
type Memcached struct {
	client    *memcache.Client
	servers   *serverSet // shared with the background writer's store
	prefix    string
	chunkSize int // the largest value stored in one item
	pingKey   string

	hits, misses, corrupt, errs atomic.Uint64
	bg                          *background // nil in the background writer's own store
}

// MemcachedStats is a snapshot of a Memcached's counters.
type MemcachedStats struct {
	Hits    uint64
	Misses  uint64 // corrupt reads included
	Corrupt uint64 // manifests or chunks missing, malformed or failing the checksum
	Errors  uint64 // operations failed by the network or the servers
}

// NewMemcached returns a Memcached for opts. It resolves the server
// addresses, failing on a name that does not resolve, but does not
// connect; use Ping to check the servers. The names are looked up again
// until Close.
func NewMemcached(opts Options) (*Memcached, error) {
	return newMemcached(opts, defaultServerLookup)
}

func newMemcached(opts Options, how serverLookup) (*Memcached, error) {
	if len(opts.Servers) == 0 {
		return nil, errors.New("cache: new memcached: no servers")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultMemcachedTimeout
	}
	if opts.MaxItemSize == 0 {
		opts.MaxItemSize = DefaultMemcachedMaxItemSize
	}
	if opts.MaxItemSize < minItemSize {
		return nil, fmt.Errorf("cache: new memcached: MaxItemSize %d is below %d", opts.MaxItemSize, minItemSize)
	}
	if opts.MaxIdleConns <= 0 {
		opts.MaxIdleConns = DefaultMemcachedMaxIdleConns
	}
	if len(opts.KeyPrefix) > maxPrefixLen {
		return nil, fmt.Errorf("cache: new memcached: KeyPrefix longer than %d bytes", maxPrefixLen)
	}
	for _, c := range []byte(opts.KeyPrefix) {
		if c <= ' ' || c == 0x7f {
			return nil, fmt.Errorf("cache: new memcached: KeyPrefix %q has a space or control character", opts.KeyPrefix)
		}
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, fmt.Errorf("cache: new memcached: probe id: %w", err)
	}
	servers, err := newServerSet(opts.Servers, how, opts.Logger)
	if err != nil {
		return nil, fmt.Errorf("cache: new memcached: servers: %w", err)
	}
	client := memcache.NewFromSelector(&servers.list)
	client.Timeout = opts.Timeout
	client.MaxIdleConns = opts.MaxIdleConns
	m := &Memcached{client: client, servers: servers, prefix: opts.KeyPrefix, chunkSize: opts.MaxItemSize - itemOverhead}
	m.pingKey = m.itemKey("ping:" + hex.EncodeToString(id[:]))
	bg := newBackground(opts, servers)
	bg.m.prefix, bg.m.chunkSize = m.prefix, m.chunkSize
	m.bg = bg
	servers.start(func() { // the connections to former addresses are of no more use
		_ = client.Close()
		_ = bg.m.client.Close()
	})
	return m, nil
}

// failed counts an operation the network or the servers failed.
func (m *Memcached) failed() {
	m.errs.Add(1)
	m.servers.failed()
}

// itemKey maps a caller's key to a legal memcached key: the prefix and the
// unpadded base64url SHA-256 of key (43 bytes).
func (m *Memcached) itemKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return m.prefix + base64.RawURLEncoding.EncodeToString(sum[:])
}

// Get returns the value stored under key. Missing, incomplete or corrupt
// values are a miss; only a network or server failure is an error.
func (m *Memcached) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, _, ok, err := m.GetWithExpiry(ctx, key)
	return v, ok, err
}

// GetWithExpiry is Get that also returns when the value expires (zero:
// never), as recorded by the writer's clock.
func (m *Memcached) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("cache: memcached get: %w", err)
	}
	ik := m.itemKey(key)
	it, err := m.client.Get(ik)
	if errors.Is(err, memcache.ErrCacheMiss) {
		m.misses.Add(1)
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		m.failed()
		return nil, time.Time{}, false, fmt.Errorf("cache: memcached get: %w", err)
	}
	expires := expiryFromFlags(it.Flags)
	if len(it.Value) > 0 && it.Value[0] == tagInline {
		m.hits.Add(1)
		return it.Value[1:], expires, true, nil
	}
	mf, err := decodeManifest(it.Value)
	if err != nil {
		return m.corruptMiss()
	}
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("cache: memcached get: %w", err)
	}
	keys := mf.chunkKeys(ik)
	items, err := m.client.GetMulti(keys)
	if err != nil && isTimeout(err) && m.bg != nil && ctx.Err() == nil {
		// The manifest answered, so memcached is up: the chunks of a
		// large value only took longer than the request path's timeout
		// to arrive (a loaded machine). Reading them again with the
		// background timeout is still far cheaper than a MISP rebuild.
		items, err = m.bg.m.client.GetMulti(keys)
	}
	if err != nil {
		m.failed()
		return nil, time.Time{}, false, fmt.Errorf("cache: memcached get chunks: %w", err)
	}
	chunks := make([][]byte, 0, len(keys))
	for _, k := range keys {
		c, ok := items[k]
		if !ok {
			return m.corruptMiss()
		}
		chunks = append(chunks, c.Value)
	}
	value, err := mf.assemble(chunks)
	if err != nil {
		return m.corruptMiss()
	}
	m.hits.Add(1)
	return value, expires, true, nil
}

func (m *Memcached) corruptMiss() ([]byte, time.Time, bool, error) {
	m.corrupt.Add(1)
	m.misses.Add(1)
	return nil, time.Time{}, false, nil
}

// Set stores value under key for ttl (<= 0: no expiry). A value that does
// not fit one item is written as chunks first and its manifest last, so a
// reader sees either the previous value or the complete new one.
//
// A write that does not fit the request path (it timed out, as a
// chunked value can on a loaded machine) finishes in the background: it
// is written again with a longer timeout, a bounded number of times
// (WaitWrites waits for such writes).
func (m *Memcached) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	_, err := m.setOrDefer(ctx, key, value, ttl)
	return err
}

// setOrDefer is Set that also reports whether the write was handed to the
// background rather than done: a write that timed out, which says the
// servers are not answering in time, however it ends.
//
// Writes land in the order they were issued: one issued while older ones
// are in the background is queued behind them, and a write handed to the
// background is dropped once a newer one of its key has been issued, so it
// never lands over a newer value.
func (m *Memcached) setOrDefer(ctx context.Context, key string, value []byte, ttl time.Duration) (deferred bool, err error) {
	if m.bg == nil {
		err = m.set(ctx, key, value, ttl)
	} else {
		deferred, err = m.setOrDeferInOrder(ctx, key, value, ttl)
	}
	if err != nil {
		m.failed()
		return false, fmt.Errorf("cache: memcached set: %w", err)
	}
	return deferred, nil
}

func (m *Memcached) set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ik := m.itemKey(key)
	exp, expires := expiration(ttl, time.Now())
	flags := flagsFromExpiry(expires)
	if 1+len(value) <= m.chunkSize {
		inline := make([]byte, 1+len(value))
		inline[0] = tagInline
		copy(inline[1:], value)
		return m.put(&memcache.Item{Key: ik, Value: inline, Flags: flags, Expiration: exp})
	}
	mf, err := newManifest(value, m.chunkSize)
	if err != nil {
		return err
	}
	chunkExp := exp
	if ttl > 0 {
		chunkExp, _ = expiration(ttl+chunkGrace, time.Now())
	}
	for i := range int(mf.count) {
		if err := ctx.Err(); err != nil {
			return err
		}
		item := &memcache.Item{Key: mf.chunkKey(ik, i), Value: mf.chunk(value, i), Expiration: chunkExp}
		if err := m.put(item); err != nil {
			return fmt.Errorf("chunk %d of %d: %w", i, mf.count, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return m.put(&memcache.Item{Key: ik, Value: mf.encode(), Flags: flags, Expiration: exp})
}

// put sends one item, refusing anything the servers would reject as too
// large.
func (m *Memcached) put(it *memcache.Item) error {
	if len(it.Value) > m.chunkSize {
		return fmt.Errorf("item of %d bytes exceeds the %d-byte limit", len(it.Value), m.chunkSize)
	}
	return m.client.Set(it)
}

// Ping checks that every server answers and that an item can be written and
// read back, for /v1/status.
func (m *Memcached) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cache: memcached ping: %w", err)
	}
	if err := m.client.Ping(); err != nil {
		return fmt.Errorf("cache: memcached ping: %w", err)
	}
	var probe [16]byte
	if _, err := rand.Read(probe[:]); err != nil {
		return fmt.Errorf("cache: memcached ping: %w", err)
	}
	exp, _ := expiration(pingTTL, time.Now())
	value := append([]byte{tagInline}, probe[:]...)
	if err := m.client.Set(&memcache.Item{Key: m.pingKey, Value: value, Expiration: exp}); err != nil {
		return fmt.Errorf("cache: memcached ping: set probe: %w", err)
	}
	it, err := m.client.Get(m.pingKey)
	if err != nil {
		return fmt.Errorf("cache: memcached ping: get probe: %w", err)
	}
	if string(it.Value) != string(value) {
		return errors.New("cache: memcached ping: probe read back a different value")
	}
	return nil
}

// Stats returns the current counters.
func (m *Memcached) Stats() MemcachedStats {
	return MemcachedStats{Hits: m.hits.Load(), Misses: m.misses.Load(), Corrupt: m.corrupt.Load(), Errors: m.errs.Load()}
}

// Close closes idle connections and stops looking the server names up
// again. The Memcached remains usable, at the addresses last found.
func (m *Memcached) Close() error {
	m.servers.stop()
	if err := m.client.Close(); err != nil {
		return fmt.Errorf("cache: memcached close: %w", err)
	}
	return nil
}
