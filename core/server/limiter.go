package server

import (
	"net/netip"
	"sync"
	"time"
)

// failLimiter counts failed authentications (and token mints) per client
// address in a fixed window; past the limit the address is refused until
// the window ends. The map is bounded: when full, it is reset, which errs
// on the side of letting requests through.
type failLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	start  time.Time
	counts map[netip.Addr]int
}

const failLimiterMaxAddrs = 100_000

func newFailLimiter(limit int, window time.Duration) *failLimiter {
	return &failLimiter{limit: limit, window: window, counts: map[netip.Addr]int{}}
}

func (l *failLimiter) roll(now time.Time) {
	if now.Sub(l.start) >= l.window || len(l.counts) >= failLimiterMaxAddrs {
		l.start = now
		clear(l.counts)
	}
}

// blocked reports whether a has failed too often in this window.
func (l *failLimiter) blocked(a netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	return l.counts[a] >= l.limit
}

// retryAfter is how long until the window ends and a blocked address may
// try again.
func (l *failLimiter) retryAfter(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	return l.start.Add(l.window).Sub(now)
}

// fail records one failure of a.
func (l *failLimiter) fail(a netip.Addr, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	l.counts[a]++
}
