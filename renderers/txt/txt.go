// Package txt renders one value per line. By default the bytes are the
// original service's: lines joined with CRLF and no line end after the
// last one. The options line_ending (crlf, lf) and trailing_newline
// (false, true) give the usual LF-terminated text file.
//
// A value spanning several lines (a YARA or Sigma rule) cannot be carried
// one per line: it is left out and reported through Request.Drop.
package txt

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func init() { renderers.Register(Renderer{}) }

// Renderer is the txt renderer.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, Layout]

// DropMultiLine is the Request.Drop reason for values spanning lines.
const DropMultiLine = "multi-line value"

var info = renderers.ListInfo("txt",
	"one value per line; CRLF-joined without a final line end by default, as the original",
	"text/plain; charset=utf-8", ".txt", LayoutOptions()...)

// def declares the renderer for renderers.Spec.
type def struct{ LayoutConfig }

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Render implements renderers.Renderer.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	multi := 0
	err := WriteLines(ctx, w, req, in, info.Name, r.Parse, func(b []byte, x indicator.Indicator) ([]byte, bool) {
		if x.MultiLine() {
			multi++
			return b, false
		}
		return append(b, x.Value...), true
	})
	if err != nil {
		return err
	}
	req.Drop(DropMultiLine, multi)
	return nil
}

// WriteLines writes a line for each indicator that line keeps, laid out
// as parse reads the options of req (the renderer declares
// LayoutOptions): line appends the line's text, without its end, to b,
// and returns false to leave the indicator out. Errors are wrapped as
// "name: render: ...".
func WriteLines(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], name string,
	parse func(opts map[string]string) (Layout, error), line func(b []byte, x indicator.Indicator) ([]byte, bool)) error {
	l, err := parse(req.Options)
	if err != nil {
		return fmt.Errorf("%s: render: %w", name, err)
	}
	return renderers.WriteList(ctx, w, name, in, "", func(b []byte, n int, x indicator.Indicator) ([]byte, bool) {
		return line(l.Separate(b, n), x)
	}, l.End)
}

// Layout is how a line format separates and ends its lines.
type Layout struct {
	EOL             string // "\r\n" or "\n"
	TrailingNewline bool   // end the last line with EOL too
}

// Separate appends to dst the line end that comes before line n (none
// before the first, line 0).
func (l Layout) Separate(dst []byte, n int) []byte {
	if n > 0 {
		dst = append(dst, l.EOL...)
	}
	return dst
}

// End returns what follows the last of n lines: its line end when
// TrailingNewline is set and there is a line.
func (l Layout) End(n int) string {
	if n > 0 && l.TrailingNewline {
		return l.EOL
	}
	return ""
}

// LayoutOptions declares the options ParseLayout reads, with the
// original's layout as defaults.
func LayoutOptions() []renderers.Option {
	return []renderers.Option{
		{Name: "line_ending", Default: "crlf", Description: "crlf or lf", Kind: renderers.KindEnum, Values: []string{"crlf", "lf"}, FoldCase: true},
		{Name: "trailing_newline", Default: "false", Description: "true ends the last line with a line ending too", Kind: renderers.KindBool},
	}
}

// ParseLayout reads the options line_ending (crlf, the default, or lf) and
// trailing_newline (false, the default, or true), ignoring other names.
func ParseLayout(opts map[string]string) (Layout, error) {
	layout := map[string]string{}
	for _, d := range LayoutOptions() {
		if v, ok := opts[d.Name]; ok {
			layout[d.Name] = v
		}
	}
	return Renderer{}.Parse(layout)
}

// LayoutConfig is the Config of a renderer whose options are
// LayoutOptions(): embedded in its renderers.Definition, it reads them
// into a Layout.
type LayoutConfig struct{}

// Config returns the layout the options give.
func (LayoutConfig) Config(o renderers.Options) (Layout, error) {
	l := Layout{EOL: "\r\n", TrailingNewline: o.Bool("trailing_newline")}
	if o.Enum("line_ending") == "lf" {
		l.EOL = "\n"
	}
	return l, nil
}
