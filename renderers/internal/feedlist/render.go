package feedlist

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Stream is the frame of a renderer: it reads the configuration from
// req's options with parse (the renderer's Spec.Parse), lets write write
// the output (counting what it leaves out in d), reports the drops to req
// and closes the output. An error from write ends the render there,
// without reporting drops. Errors are wrapped as "name: render: ...".
func Stream[C any](ctx context.Context, w io.Writer, req renderers.Request, name string,
	parse func(opts map[string]string) (C, error), write func(o *renderers.Out, c C, d Drops) error) error {
	c, err := parse(req.Options)
	if err == nil {
		o := renderers.NewOut(ctx, w)
		d := Drops{}
		if err = write(o, c, d); err == nil {
			return Finish(o, req, d, name)
		}
	}
	return fmt.Errorf("%s: render: %w", name, err)
}

// Render is the frame of a renderer that reads its whole input before it
// writes: Stream, with write given the Collector of in.
func Render[C any](ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], name string,
	parse func(opts map[string]string) (C, error), write func(o *renderers.Out, c C, col *Collector, d Drops)) error {
	return Stream(ctx, w, req, name, parse, func(o *renderers.Out, c C, d Drops) error {
		col, err := Collect(o, in)
		if err == nil {
			write(o, c, col, d)
		}
		return err
	})
}

// Finish ends a renderer that counts what it leaves out: it reports the
// drops d to req and closes o, wrapping its error as "name: render: ...".
func Finish(o *renderers.Out, req renderers.Request, d Drops, name string) error {
	d.Report(req)
	if err := o.Close(); err != nil {
		return fmt.Errorf("%s: render: %w", name, err)
	}
	return nil
}

// WriteEach writes, for each x of xs in order, what line appends for it
// to an emptied buffer; it stops when o reports cancellation or a write
// error.
func WriteEach[T any](o *renderers.Out, xs []T, line func(b []byte, x T) []byte) {
	var b []byte
	for _, x := range xs {
		if o.Next() != nil {
			break
		}
		b = line(b[:0], x)
		_, _ = o.Write(b) // errors stay in o
	}
}

// Outside is how many of the collected indicators are not of kind k:
// all of them for KindNone.
func (c *Collector) Outside(k Kind) int {
	n := c.Other
	for kind, count := range [...]int{KindURL: len(c.URLs), KindName: len(c.Names), KindIP: len(c.IPs), KindHash: len(c.Hashes)} {
		if Kind(kind) != k {
			n += count
		}
	}
	return n
}

// Families reports which address families a route data type carries:
// IPv4 for ipv4, ipv4ext and cidr4, IPv6 for ipv6, both for any other
// (or no) data type.
func Families(dataType string) (v4, v6 bool) {
	dt, ok := indicator.LookupDataType(dataType)
	if ok {
		v4 = dt.Yields&indicator.SetOf(indicator.IPv4, indicator.IPv4Net) != 0
		v6 = dt.Yields&indicator.SetOf(indicator.IPv6, indicator.IPv6Net) != 0
	}
	if !v4 && !v6 {
		return true, true
	}
	return v4, v6
}
