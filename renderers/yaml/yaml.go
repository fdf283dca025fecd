package yaml

import (
	"context"
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
	return renderers.ListInfo("yaml",
		"YAML block sequence of the values, byte-compatible with the original (PyYAML, ASCII-only)",
		"text/plain; charset=utf-8", ".yaml")
}

// Render implements renderers.Renderer.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	var e emitter
	return renderers.WriteList(ctx, w, "yaml", in, "---", func(b []byte, _ int, x indicator.Indicator) ([]byte, bool) {
		e.buf = b
		e.item(x.Value)
		return e.buf, true
	}, func(n int) string {
		if n == 0 {
			return " []\n"
		}
		return "\n"
	})
}

// AppendItem appends one block sequence entry, "\n- " and the value as
// PyYAML writes it, to dst: the bytes between "---" and the final newline
// of a document are the concatenation of its entries.
func AppendItem(dst []byte, v string) []byte {
	e := emitter{buf: dst}
	e.item(v)
	return e.buf
}
