package cache

import (
	"bytes"
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

// backgroundJobOverhead is what a queued write is charged besides its key
// and value: the job, its place in the queue and its key's entry in
// keys. Empty values then still fill the queue.
const backgroundJobOverhead = 256

// ErrBackgroundFull is a write refused because the background queue holds
// its byte limit already (each write counted as its key, its value and
// backgroundJobOverhead).
var ErrBackgroundFull = errors.New("background write queue is full")

// backgroundJob is one Set, or one Delete, handed to the background
// writer.
type backgroundJob struct {
	key    string
	value  []byte
	ttl    time.Duration
	at     time.Time // when the caller asked; the TTL counts from then
	seq    uint64    // the write's number among the key's (see keyWrites)
	delete bool      // a Delete of key: made whatever was issued after it
}

// cost is what j is charged against the queue's byte limit.
func (j *backgroundJob) cost() int64 {
	return int64(len(j.key) + len(j.value) + backgroundJobOverhead)
}

// keyWrites follows the writes of one key that are being made or are
// queued: the number of the newest one issued, and how many there are.
type keyWrites struct {
	latest  uint64
	pending int // being made in the request path, queued or being written
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
	seq     uint64
	keys    map[string]*keyWrites // keys with writes pending
}

func newBackground(opts Options, servers *serverSet) *background {
	timeout := opts.BackgroundTimeout
	if timeout <= 0 {
		timeout = DefaultBackgroundTimeout
	}
	retries := opts.BackgroundRetries
	if retries <= 0 {
		retries = DefaultBackgroundRetries
	}
	client := memcache.NewFromSelector(&servers.list)
	client.Timeout = timeout
	client.MaxIdleConns = 2
	b := &background{retries: retries, max: DefaultBackgroundMaxBytes, keys: map[string]*keyWrites{}}
	b.cond = sync.NewCond(&b.mu)
	b.m = &Memcached{client: client, servers: servers}
	return b
}

// begin numbers a write of key about to be made, and reports whether it
// must be queued behind the writes the worker holds already: made
// directly, it could land before those older ones (a feed snapshot's head
// before its piece, a newer value of the key under an older one). end
// must follow, unless enqueue takes the write.
func (b *background) begin(key string) (seq uint64, behind bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	kw := b.keys[key]
	if kw == nil {
		kw = &keyWrites{}
		b.keys[key] = kw
	}
	kw.latest = b.seq
	kw.pending++
	return b.seq, b.busy
}

// end forgets a write begun, once made, given up or written by the worker.
func (b *background) end(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.endLocked(key)
}

func (b *background) endLocked(key string) {
	kw := b.keys[key]
	if kw == nil {
		return
	}
	kw.pending--
	if kw.pending <= 0 {
		delete(b.keys, key)
	}
}

// deleteInOrder makes every write of key issued so far out of date, so
// that none still queued is made. While the worker holds writes and one
// of them is of key (queued, or being made: it cannot be stopped), the
// delete itself is queued behind them, reported by queued; made at once,
// it could land before that write. A full queue refuses it, and the
// delete is then not made.
func (b *background) deleteInOrder(key string) (queued bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kw := b.keys[key]
	if kw == nil {
		return false, nil
	}
	b.seq++
	kw.latest = b.seq
	if !b.busy {
		return false, nil // only writes in the request path, made or given up on their own
	}
	if err := b.pushLocked(backgroundJob{key: key, seq: b.seq, delete: true}); err != nil {
		return false, err
	}
	kw.pending++
	return true, nil
}

// superseded reports whether a write of key newer than seq was issued:
// the write seq must then not be made any more, as it could land over
// the newer value.
func (b *background) superseded(key string, seq uint64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	kw := b.keys[key]
	return kw != nil && kw.latest != seq
}

// enqueue hands a write begun (begin) to the worker; when it refuses it,
// the write is ended.
func (b *background) enqueue(j backgroundJob) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.pushLocked(j); err != nil {
		b.endLocked(j.key)
		return err
	}
	return nil
}

// pushLocked queues j, unless the queue holds its limit already, and
// starts the worker if it is idle.
func (b *background) pushLocked(j backgroundJob) error {
	if b.bytes+j.cost() > b.max {
		b.dropped++
		return ErrBackgroundFull
	}
	start := len(b.queue) == 0 && !b.busy
	b.queue = append(b.queue, j)
	b.bytes += j.cost()
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
		b.queue[0] = backgroundJob{} // the array outlives the job: let go of its value
		b.queue = b.queue[1:]
		b.mu.Unlock()
		b.write(j)
		b.mu.Lock()
		b.bytes -= j.cost()
		b.endLocked(j.key)
		b.mu.Unlock()
	}
}

// write makes j's write, unless a newer write of its key was issued
// since: each try is made only while j is its key's newest. A delete is
// always made: whatever was issued after it is queued behind it.
func (b *background) write(j backgroundJob) {
	for attempt := range b.retries {
		if j.delete {
			if b.m.del(j.key) == nil {
				return
			}
		} else {
			if b.superseded(j.key, j.seq) {
				return
			}
			ttl := j.ttl
			if ttl > 0 {
				ttl -= time.Since(j.at)
				if ttl <= 0 {
					return // expired while queued
				}
			}
			if b.m.set(context.Background(), j.key, j.value, ttl) == nil {
				return
			}
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
}

// setOrDeferInOrder is setOrDefer with a background writer.
func (m *Memcached) setOrDeferInOrder(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	at := time.Now()
	seq, behind := m.bg.begin(key)
	job := func() backgroundJob {
		return backgroundJob{key: key, value: bytes.Clone(value), ttl: ttl, at: at, seq: seq}
	}
	if behind {
		if err := ctx.Err(); err != nil {
			m.bg.end(key)
			return false, err
		}
		if err := m.bg.enqueue(job()); err != nil {
			return false, err
		}
		return true, nil
	}
	err := m.set(ctx, key, value, ttl)
	if err != nil && ctx.Err() == nil && isTimeout(err) {
		if m.bg.superseded(key, seq) {
			m.bg.end(key)
			return true, nil // a newer write of key was issued: it alone counts
		}
		if m.bg.enqueue(job()) == nil {
			return true, nil
		}
		return false, err
	}
	m.bg.end(key)
	return false, err
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
