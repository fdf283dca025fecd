package feedlist

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Render is the frame of a renderer that reads its whole input before it
// writes: it collects in, lets write write the output from what was
// collected (counting what it leaves out in d), reports the drops to req
// and closes the output. Errors are wrapped as "name: render: ...".
func Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], name string, write func(o *renderers.Out, col *Collector, d Drops)) error {
	o := renderers.NewOut(ctx, w)
	col, err := Collect(o, in)
	if err != nil {
		return fmt.Errorf("%s: render: %w", name, err)
	}
	d := Drops{}
	write(o, col, d)
	return Finish(o, req, d, name)
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

// NotIP is how many of the collected indicators are not an address or a
// net.
func (c *Collector) NotIP() int { return c.Other + len(c.Names) + len(c.URLs) + len(c.Hashes) }

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
