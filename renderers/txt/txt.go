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
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func init() { renderers.Register(Renderer{}) }

// Renderer is the txt renderer.
type Renderer struct{}

// DropMultiLine is the Request.Drop reason for values spanning lines.
const DropMultiLine = "multi-line value"

// Info implements renderers.Renderer.
func (Renderer) Info() renderers.Info {
	return renderers.Info{
		Name:        "txt",
		Reads:       renderers.FieldValue,
		Description: "one value per line; CRLF-joined without a final line end by default, as the original",
		ContentType: "text/plain; charset=utf-8",
		Extension:   ".txt",
		Types:       indicator.AllTypes(),
		Options:     LayoutOptions(),
	}
}

// ValidateOptions implements renderers.OptionValidator.
func (r Renderer) ValidateOptions(opts map[string]string) error {
	if err := renderers.CheckOptionNames(r.Info(), opts); err != nil {
		return err
	}
	_, err := ParseLayout(opts)
	return err
}

// Render implements renderers.Renderer.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	l, err := ParseLayout(req.Options)
	if err != nil {
		return fmt.Errorf("txt: render: %w", err)
	}
	o := renderers.NewOut(ctx, w)
	lines, multi := 0, 0
	for i := range in {
		if o.Next() != nil {
			break
		}
		if i.MultiLine() {
			multi++
			continue
		}
		if lines > 0 {
			o.WriteString(l.EOL)
		}
		o.WriteString(i.Value)
		lines++
	}
	if lines > 0 && l.TrailingNewline {
		o.WriteString(l.EOL)
	}
	if err := o.Close(); err != nil {
		return fmt.Errorf("txt: render: %w", err)
	}
	req.Drop(DropMultiLine, multi)
	return nil
}

// Layout is how a line format separates and ends its lines.
type Layout struct {
	EOL             string // "\r\n" or "\n"
	TrailingNewline bool   // end the last line with EOL too
}

// LayoutOptions declares the options ParseLayout reads, with the
// original's layout as defaults.
func LayoutOptions() []renderers.Option {
	return []renderers.Option{
		{Name: "line_ending", Default: "crlf", Description: "crlf or lf"},
		{Name: "trailing_newline", Default: "false", Description: "true ends the last line with a line ending too"},
	}
}

// ParseLayout reads the options line_ending (crlf, the default, or lf) and
// trailing_newline (false, the default, or true), ignoring other names.
func ParseLayout(opts map[string]string) (Layout, error) {
	l := Layout{EOL: "\r\n"}
	if v, ok := opts["line_ending"]; ok {
		switch {
		case strings.EqualFold(v, "crlf"):
		case strings.EqualFold(v, "lf"):
			l.EOL = "\n"
		default:
			return l, fmt.Errorf("option line_ending: %q is neither crlf nor lf", v)
		}
	}
	if v, ok := opts["trailing_newline"]; ok {
		switch {
		case strings.EqualFold(v, "false"):
		case strings.EqualFold(v, "true"):
			l.TrailingNewline = true
		default:
			return l, fmt.Errorf("option trailing_newline: %q is neither true nor false", v)
		}
	}
	return l, nil
}
