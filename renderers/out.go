package renderers

import (
	"bufio"
	"context"
	"errors"
	"io"
	"sync"
)

// outBufferSize is the size of an Out's buffer.
const outBufferSize = 64 << 10

// outBuffers keeps the buffers of closed Outs for the next render. Most
// lists are small, and a fresh 64 KiB buffer for each of them (its pages
// faulted in, then handed back to the system by the collector) cost more
// than writing them.
var outBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, outBufferSize) }}

// ErrOutClosed is the error of a write to an Out after a Close that
// returned nil.
var ErrOutClosed = errors.New("renderers: write after Close")

// Out is a buffered writer for renderers: it keeps the first write error,
// and Next checks for cancellation every few thousand entries so a long
// render stops promptly without a context check per line.
type Out struct {
	ctx context.Context
	w   *bufio.Writer // nil once closed
	n   int
	err error // the first error; ErrOutClosed after a Close without one
}

// NewOut returns an Out writing to w. Its buffer goes back to a pool at
// Close; an Out that is not closed leaves it to the collector.
func NewOut(ctx context.Context, w io.Writer) *Out {
	b := outBuffers.Get().(*bufio.Writer)
	b.Reset(w)
	return &Out{ctx: ctx, w: b}
}

// Next is called once per entry; it returns a non-nil error when the
// context is done or a write failed, and the renderer must then stop.
func (o *Out) Next() error {
	if o.err != nil {
		return o.err
	}
	o.n++
	if o.n&4095 == 0 {
		o.err = o.ctx.Err()
	}
	return o.err
}

// WriteString writes s unless an error happened before.
func (o *Out) WriteString(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
}

// Write writes b unless an error happened before.
func (o *Out) Write(b []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(b)
	o.err = err
	return n, err
}

// WriteByte writes c unless an error happened before.
func (o *Out) WriteByte(c byte) error {
	if o.err == nil {
		o.err = o.w.WriteByte(c)
	}
	return o.err
}

// Err returns the first error seen (ErrOutClosed after a Close that
// returned nil).
func (o *Out) Err() error { return o.err }

// Close flushes the buffer, checks the context one last time and returns
// the first error. Writes after it fail, with that error or else with
// ErrOutClosed; a second Close returns what the first did.
func (o *Out) Close() error {
	if o.w == nil {
		if o.err == ErrOutClosed {
			return nil
		}
		return o.err
	}
	if o.err == nil {
		o.err = o.ctx.Err()
	}
	if o.err == nil {
		o.err = o.w.Flush()
	}
	err := o.err
	o.w.Reset(nil)
	outBuffers.Put(o.w)
	o.w = nil
	if err == nil {
		o.err = ErrOutClosed
	}
	return err
}
