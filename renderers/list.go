package renderers

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
)

// ListInfo returns the Info of a renderer that writes a list of the
// values (WriteList), as the original service did: it takes every type
// and reads only the values.
func ListInfo(name, description, contentType, extension string, options ...Option) Info {
	return Info{
		Name:        name,
		Reads:       FieldValue,
		Description: description,
		ContentType: contentType,
		Extension:   extension,
		Types:       indicator.AllTypes(),
		Options:     options,
	}
}

// WriteList writes a document that is a list of the values: head, then
// the bytes item appends to dst for each indicator (n is how many items
// stand before it; item returns false to leave the indicator out), then
// foot(n) for the n items written. It stops early when the context is
// done or a write fails, and returns that error prefixed "NAME: render: ".
func WriteList(ctx context.Context, w io.Writer, name string, in iter.Seq[indicator.Indicator], head string,
	item func(dst []byte, n int, x indicator.Indicator) ([]byte, bool), foot func(n int) string) error {
	o := NewOut(ctx, w)
	o.WriteString(head)
	var buf []byte
	n := 0
	for x := range in {
		if o.Next() != nil {
			break
		}
		var ok bool
		if buf, ok = item(buf[:0], n, x); ok {
			_, _ = o.Write(buf)
			n++
		}
	}
	o.WriteString(foot(n))
	if err := o.Close(); err != nil {
		return fmt.Errorf("%s: render: %w", name, err)
	}
	return nil
}
