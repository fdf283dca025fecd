package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// result is what one render of the checker gave.
type result struct {
	out    []byte
	drops  map[string]int
	pulled int
	err    error
}

// render renders ins into w, or into a buffer returned as out when w is nil.
func (c *checker) render(ctx context.Context, w io.Writer, req renderers.Request, ins []indicator.Indicator) result {
	return c.renderSeq(ctx, w, req, renderers.Slice(ins))
}

func (c *checker) renderSeq(ctx context.Context, w io.Writer, req renderers.Request, seq func(func(indicator.Indicator) bool)) (res result) {
	buf := cappedBuffer{max: maxCheckOutput}
	if w == nil {
		w = &buf
	}
	var mu sync.Mutex
	res.drops = map[string]int{}
	req.Dropped = func(reason string, n int) {
		mu.Lock()
		res.drops[reason] += n
		mu.Unlock()
	}
	var pulled atomic.Int64
	counted := func(yield func(indicator.Indicator) bool) {
		seq(func(in indicator.Indicator) bool {
			pulled.Add(1)
			return yield(in)
		})
	}
	defer func() {
		if p := recover(); p != nil {
			res.err = fmt.Errorf("renderer panicked in Render: %v\n%s", p, debug.Stack())
		}
		res.out = buf.b.Bytes()
		res.pulled = int(pulled.Load())
	}()
	res.err = c.r.Render(ctx, w, req, counted)
	return res
}

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit, n int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) <= w.limit {
		w.n += len(p)
		return len(p), nil
	}
	k := w.limit - w.n
	w.n = w.limit
	return k, ErrCheckWriter
}

// maxCheckOutput bounds what one render of the checker may write: its
// inputs are at most largeInput indicators, and a renderer that writes
// without end must fail the check, not take the memory of the host
// running it (cratos plugin check on a production host).
var maxCheckOutput = 256 << 20

// cappedBuffer is a bytes.Buffer that fails writes past max bytes.
type cappedBuffer struct {
	b   bytes.Buffer
	max int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.b.Len()+len(p) > c.max {
		return 0, fmt.Errorf("conformance: the renderer wrote more than %d bytes for the checker's input", c.max)
	}
	return c.b.Write(p)
}
