package guard

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cratos-project/cratos/core/misp"
)

// DefaultWarninglistTTL is how long warninglists read from MISP are used
// before they are read again.
const DefaultWarninglistTTL = time.Hour

// maxCachedInstances bounds the cache of WarninglistCache.
const maxCachedInstances = 256

// retryAfterFailure is how long a MISP whose warninglists could not be
// read is not asked again, so a MISP key without the permission does not
// cost a failed request on every build.
const retryAfterFailure = 5 * time.Minute

// WarninglistCache reads the enabled warninglists of MISP instances and
// keeps them for a while, one set per MISP instance and key. It is safe
// for concurrent use.
type WarninglistCache struct {
	ttl     time.Duration
	now     func() time.Time
	flights singleflight.Group

	mu      sync.Mutex
	entries map[string]wlCached
}

type wlCached struct {
	w       *Warninglists
	fetched time.Time
	err     error     // the last failure, while failedAt is recent
	failed  time.Time // when the last read failed
}

// NewWarninglistCache returns a cache keeping lists for ttl (0 means
// DefaultWarninglistTTL).
func NewWarninglistCache(ttl time.Duration, now func() time.Time) *WarninglistCache {
	if ttl <= 0 {
		ttl = DefaultWarninglistTTL
	}
	if now == nil {
		now = time.Now
	}
	return &WarninglistCache{ttl: ttl, now: now, entries: map[string]wlCached{}}
}

// Get returns the warninglists of the MISP instance c talks to; key names
// the instance and the MISP key (never the key itself). When MISP fails,
// the last lists read are returned with the error, or nil and the error
// when there are none. A read that ctx ended is not taken for a failure
// of MISP: it does not pause the reads after it, and a caller that joined
// it, its own ctx still going, reads again.
func (wc *WarninglistCache) Get(ctx context.Context, key string, c *misp.Client) (*Warninglists, error) {
	for {
		w, err := wc.get(ctx, key, c)
		if errors.As(err, new(readCutShort)) && ctx.Err() == nil {
			continue // the caller whose read this joined left
		}
		return w, err
	}
}

// readCutShort is the error of a read that its caller's context ended.
type readCutShort struct{ error }

func (e readCutShort) Unwrap() error { return e.error }

// get is one try of Get.
func (wc *WarninglistCache) get(ctx context.Context, key string, c *misp.Client) (*Warninglists, error) {
	wc.mu.Lock()
	e, ok := wc.entries[key]
	wc.mu.Unlock()
	now := wc.now()
	if ok && e.w != nil && now.Sub(e.fetched) < wc.ttl {
		return e.w, nil
	}
	if ok && e.err != nil && now.Sub(e.failed) < retryAfterFailure {
		return e.w, e.err
	}
	v, err, _ := wc.flights.Do(key, func() (any, error) {
		w, err := FetchWarninglists(ctx, c)
		wc.mu.Lock()
		defer wc.mu.Unlock()
		if len(wc.entries) >= maxCachedInstances {
			clear(wc.entries)
		}
		if err != nil && ctx.Err() != nil {
			// The caller left (or reached its deadline): MISP did not
			// fail, and the next caller reads again.
			return nil, readCutShort{err}
		}
		if err != nil {
			prev := wc.entries[key]
			wc.entries[key] = wlCached{w: prev.w, fetched: prev.fetched, err: err, failed: wc.now()}
			return nil, err
		}
		wc.entries[key] = wlCached{w: w, fetched: wc.now()}
		return w, nil
	})
	if err != nil {
		return e.w, err
	}
	return v.(*Warninglists), nil
}

// FetchWarninglists reads MISP's enabled warninglists: the index, then
// each enabled list.
func FetchWarninglists(ctx context.Context, c *misp.Client) (*Warninglists, error) {
	body, err := c.GetJSON(ctx, "/warninglists")
	if err != nil {
		return nil, fmt.Errorf("warninglists: %w", err)
	}
	ids, err := ParseIndex(body)
	if err != nil {
		return nil, err
	}
	lists := make([]*List, 0, len(ids))
	for _, id := range ids {
		b, err := c.GetJSON(ctx, "/warninglists/view/"+id)
		if err != nil {
			return nil, fmt.Errorf("warninglist %s: %w", id, err)
		}
		l, err := ParseView(b)
		if err != nil {
			return nil, fmt.Errorf("warninglist %s: %w", id, err)
		}
		lists = append(lists, l)
	}
	return NewWarninglists(lists), nil
}
