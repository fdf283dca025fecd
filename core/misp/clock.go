package misp

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// ServerClock tells MISP's clock at a moment of this process from the
// Date of MISP's answers to the requests made after it, whatever this
// process's clock says. MISP stamps its writes with its own clock, so a
// window over its timestamps must start from that clock.
type ServerClock struct {
	began time.Time // this process's clock, with its monotonic reading
	mu    sync.Mutex
	start time.Time // the earliest MISP's clock can have read at began; zero until an answer
}

// NewServerClock starts telling MISP's clock now.
func NewServerClock() *ServerClock { return &ServerClock{began: time.Now()} }

type serverClockKey struct{}

// WithServerClock returns ctx whose requests' answers inform c.
func WithServerClock(ctx context.Context, c *ServerClock) context.Context {
	return context.WithValue(ctx, serverClockKey{}, c)
}

// Start returns the earliest time MISP's clock can have read when c was
// made: an answer's Date less the time since then (its Date was set
// before it arrived, after c was made), the earliest such bound of the
// answers seen. It is zero when no answer carried a Date.
func (c *ServerClock) Start() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start
}

// note takes the Date of an answer that has just arrived.
func (c *ServerClock) note(h http.Header) {
	arrived := time.Now()
	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	start := date.Add(-arrived.Sub(c.began))
	c.mu.Lock()
	if c.start.IsZero() || start.Before(c.start) {
		c.start = start
	}
	c.mu.Unlock()
}

// noteDate informs ctx's ServerClock, if any, of an answer's Date.
func noteDate(ctx context.Context, h http.Header) {
	if c, ok := ctx.Value(serverClockKey{}).(*ServerClock); ok {
		c.note(h)
	}
}
