// Package b64 renders the standard, padded base64 of each value's UTF-8
// bytes, one per line, as the original service did for Suricata string
// datasets: lines joined with CRLF and no line end after the last one by
// default, with txt's line_ending and trailing_newline options.
//
// Base64 has no line break, so multi-line rules are carried too.
package b64

import (
	"context"
	"encoding/base64"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/txt"
)

func init() { renderers.Register(Renderer{}) }

// Renderer is the b64 renderer.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, txt.Layout]

var info = renderers.ListInfo("b64",
	"base64 of each value, one per line, for Suricata string datasets; CRLF-joined by default, as the original",
	"text/plain; charset=utf-8", ".b64", txt.LayoutOptions()...)

// def declares the renderer for renderers.Spec.
type def struct{ txt.LayoutConfig }

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Render implements renderers.Renderer.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return txt.WriteLines(ctx, w, req, in, info.Name, r.Parse, func(b []byte, x indicator.Indicator) ([]byte, bool) {
		return base64.StdEncoding.AppendEncode(b, []byte(x.Value)), true
	})
}
