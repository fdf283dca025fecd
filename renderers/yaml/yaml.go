package yaml

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func init() { renderers.Register(Renderer{}) }

// Renderer is the yaml renderer.
type Renderer struct{}

// Info implements renderers.Renderer.
func (Renderer) Info() renderers.Info {
	return renderers.Info{
		Name:        "yaml",
		Reads:       renderers.FieldValue,
		Description: "YAML block sequence of the values, byte-compatible with the original (PyYAML, ASCII-only)",
		ContentType: "text/plain; charset=utf-8",
		Extension:   ".yaml",
		Types:       indicator.AllTypes(),
	}
}

// Render implements renderers.Renderer.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	o := renderers.NewOut(ctx, w)
	o.WriteString("---")
	var e emitter
	n := 0
	for i := range in {
		if o.Next() != nil {
			break
		}
		e.buf = e.buf[:0]
		e.item(i.Value)
		_, _ = o.Write(e.buf)
		n++
	}
	if n == 0 {
		o.WriteString(" []")
	}
	o.WriteString("\n")
	if err := o.Close(); err != nil {
		return fmt.Errorf("yaml: render: %w", err)
	}
	return nil
}

// AppendItem appends one block sequence entry, "\n- " and the value as
// PyYAML writes it, to dst: the bytes between "---" and the final newline
// of a document are the concatenation of its entries.
func AppendItem(dst []byte, v string) []byte {
	e := emitter{buf: dst}
	e.item(v)
	return e.buf
}
