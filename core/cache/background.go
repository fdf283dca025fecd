package cache

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
)

// Defaults of the background writer.
const (
	DefaultBackgroundTimeout  = 10 * time.Second
	DefaultBackgroundRetries  = 3
	DefaultBackgroundMaxBytes = 128 << 20
)

// ErrBackgroundFull is a write refused because the background queue holds
// its byte limit already.
var ErrBackgroundFull = errors.New("background write queue is full")

// backgroundJob is one Set handed to the background writer.
type backgroundJob struct {
	key   string
	value []byte
	ttl   time.Duration
	at    time.Time // when the caller asked; the TTL counts from then
}

// background finishes writes that do not fit the request path: chunked
// values, and values whose write timed out. One worker writes them with a
// longer timeout, retrying each a bounded number of times; the queue is
// bounded in bytes.
type background struct {
	m       *Memcached // the store whose writes are finished
	retries int

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []backgroundJob
	bytes   int64
	max     int64
	busy    bool
	dropped uint64
}

func newBackground(opts Options) (*background, error) {
	timeout := opts.BackgroundTimeout
	if timeout <= 0 {
		timeout = DefaultBackgroundTimeout
	}
	retries := opts.BackgroundRetries
	if retries <= 0 {
		retries = DefaultBackgroundRetries
	}
	var servers memcache.ServerList
	if err := servers.SetServers(opts.Servers...); err != nil {
		return nil, err
	}
	client := memcache.NewFromSelector(&servers)
	client.Timeout = timeout
	client.MaxIdleConns = 2
	b := &background{retries: retries, max: DefaultBackgroundMaxBytes}
	b.cond = sync.NewCond(&b.mu)
	b.m = &Memcached{client: client}
	return b, nil
}

// enqueue hands a write to the worker.
func (b *background) enqueue(j backgroundJob) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bytes+int64(len(j.value)) > b.max {
		b.dropped++
		return ErrBackgroundFull
	}
	start := len(b.queue) == 0 && !b.busy
	b.queue = append(b.queue, j)
	b.bytes += int64(len(j.value))
	if start {
		b.busy = true
		go b.run()
	}
	return nil
}

// run writes queued jobs until the queue is empty.
func (b *background) run() {
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.busy = false
			b.cond.Broadcast()
			b.mu.Unlock()
			return
		}
		j := b.queue[0]
		b.queue = b.queue[1:]
		b.mu.Unlock()
		b.write(j)
		b.mu.Lock()
		b.bytes -= int64(len(j.value))
		b.mu.Unlock()
	}
}

func (b *background) write(j backgroundJob) {
	for attempt := range b.retries {
		ttl := j.ttl
		if ttl > 0 {
			ttl -= time.Since(j.at)
			if ttl <= 0 {
				return // expired while queued
			}
		}
		if err := b.m.set(context.Background(), j.key, j.value, ttl); err == nil {
			return
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
}

// wait blocks until the queue is empty or ctx ends.
func (b *background) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		b.mu.Lock()
		for len(b.queue) > 0 || b.busy {
			b.cond.Wait()
		}
		b.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isTimeout reports whether err is a network timeout (a write that did not
// fit the time the request path gives it).
func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var ce *memcache.ConnectTimeoutError
	return errors.As(err, &ce)
}

// WaitWrites blocks until the writes handed to the background are done
// (written or given up), or ctx ends.
func (m *Memcached) WaitWrites(ctx context.Context) error {
	if m.bg == nil {
		return nil
	}
	return m.bg.wait(ctx)
}
