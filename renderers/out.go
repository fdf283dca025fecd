package renderers

import (
	"bufio"
	"context"
	"io"
)

// Out is a buffered writer for renderers: it keeps the first write error,
// and Next checks for cancellation every few thousand entries so a long
// render stops promptly without a context check per line.
type Out struct {
	ctx context.Context
	w   *bufio.Writer
	n   int
	err error
}

// NewOut returns an Out writing to w.
func NewOut(ctx context.Context, w io.Writer) *Out {
	return &Out{ctx: ctx, w: bufio.NewWriterSize(w, 64<<10)}
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

// Err returns the first error seen.
func (o *Out) Err() error { return o.err }

// Close flushes the buffer, checks the context one last time and returns
// the first error.
func (o *Out) Close() error {
	if o.err == nil {
		o.err = o.ctx.Err()
	}
	if o.err == nil {
		o.err = o.w.Flush()
	}
	return o.err
}
