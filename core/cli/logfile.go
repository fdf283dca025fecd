package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// rotatingFile is an append-only log file rotated by size, keeping a fixed
// number of old files (name.1 is the newest). A write that fails (a full
// disk) is dropped and counted; it never blocks or fails a request.
type rotatingFile struct {
	mu       sync.Mutex
	path     string
	maxBytes int64
	keep     int
	f        *os.File
	size     int64
	dropped  int64
}

func openRotating(path string, maxMiB, keep int) (*rotatingFile, error) {
	if maxMiB <= 0 {
		maxMiB = 100
	}
	if keep < 0 {
		keep = 0
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	r := &rotatingFile{path: path, maxBytes: int64(maxMiB) << 20, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// accessLogWritable reports whether serve could open the access log at
// path, creating nothing: the file, when it exists, must open for
// appending; else the nearest directory above it that exists must take a
// new file (serve creates the directories missing below it).
func accessLogWritable(path string) error {
	if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0); err == nil {
		return f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("access_log %s: %w", path, unwrapPath(err))
	}
	dir := filepath.Dir(path)
	for {
		st, err := os.Stat(dir)
		if err == nil && !st.IsDir() {
			return fmt.Errorf("access_log %s: %s is not a directory", path, dir)
		}
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			return fmt.Errorf("access_log %s: %w", path, err)
		}
		dir = filepath.Dir(dir)
	}
	f, err := os.CreateTemp(dir, ".writable.tmp-*")
	if err != nil {
		return fmt.Errorf("access_log %s: %s is not writable: %w", path, dir, unwrapPath(err))
	}
	_ = f.Close()
	return os.Remove(f.Name())
}

// accessLogFinding sorts what accessLogWritable found: a permission
// refused is a note, as check may run as another user than serve (whose
// unit's LogsDirectory creates /var/log/cratos at start); anything else
// stops serve whoever runs it.
func accessLogFinding(err error) (note string, fatal error) {
	if err == nil {
		return "", nil
	}
	if errors.Is(err, fs.ErrPermission) {
		return err.Error() + " for this user; serve's user may be allowed", nil
	}
	return "", err
}

// unwrapPath returns the cause of a *fs.PathError, whose path the caller
// names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (r *rotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("access log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("access log: %w", err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write implements io.Writer; it always reports success.
func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f != nil && r.size+int64(len(p)) > r.maxBytes && r.size > 0 {
		r.rotate()
	}
	if r.f == nil {
		if r.open() != nil {
			r.dropped++
			return len(p), nil
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	if err != nil {
		r.dropped++
	}
	return len(p), nil
}

func (r *rotatingFile) rotate() {
	r.f.Close()
	r.f = nil
	if r.keep == 0 {
		_ = os.Remove(r.path)
		return
	}
	for i := r.keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
	}
	_ = os.Rename(r.path, r.path+".1")
}

// Close closes the current file.
func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// bufferedLog collects log lines in memory and writes them in batches from
// one goroutine, so a request never waits for a write system call. Lines
// are written within flushEvery; when the writer falls behind by more than
// maxPending bytes, new lines are dropped and counted rather than held.
// Two buffers take turns, so that lines are appended to one already grown
// while the other is written.
type bufferedLog struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	spare   []byte // the buffer last written, for the next turn
	dropped int64
	kick    chan struct{}
	done    chan struct{}
	closed  chan struct{}
}

const (
	flushEvery = 100 * time.Millisecond
	flushAt    = 64 << 10
	maxPending = 8 << 20
	// maxSpare is the largest buffer kept for the next turn; one grown
	// larger by a burst is left to the collector.
	maxSpare = 1 << 20
)

func newBufferedLog(w io.Writer) *bufferedLog {
	b := &bufferedLog{w: w, kick: make(chan struct{}, 1), done: make(chan struct{}), closed: make(chan struct{})}
	go b.loop()
	return b
}

// Write implements io.Writer; it copies p and returns at once.
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	if len(b.buf)+len(p) > maxPending {
		b.dropped++
		b.mu.Unlock()
		return len(p), nil
	}
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= flushAt
	b.mu.Unlock()
	if full {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

func (b *bufferedLog) loop() {
	defer close(b.closed)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-b.kick:
		case <-b.done:
			b.flush()
			return
		}
		b.flush()
	}
}

func (b *bufferedLog) flush() {
	b.mu.Lock()
	out := b.buf
	b.buf, b.spare = b.spare, nil
	b.mu.Unlock()
	if len(out) > 0 {
		_, _ = b.w.Write(out)
	}
	if cap(out) <= maxSpare {
		b.mu.Lock()
		b.spare = out[:0]
		b.mu.Unlock()
	}
}

// Close writes what is pending and stops the writer goroutine.
func (b *bufferedLog) Close() error {
	select {
	case <-b.done:
	default:
		close(b.done)
	}
	<-b.closed
	return nil
}
