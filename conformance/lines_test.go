package conformance

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// linesRenderer writes every field of every indicator and reports drops;
// it stands in for the built-in renderers the bridge must carry unchanged.
type linesRenderer struct{}

func (linesRenderer) Info() renderers.Info {
	return renderers.Info{
		Name:        "lines",
		Description: "one line per indicator with all of its fields",
		ContentType: "text/plain; charset=utf-8",
		Extension:   ".txt",
		Types:       indicator.AllTypes(),
		Options:     []renderers.Option{{Name: "max", Default: "0", Description: "most lines, 0 for all"}},
	}
}

func (r linesRenderer) ValidateOptions(opts map[string]string) error {
	if err := renderers.CheckOptionNames(r.Info(), opts); err != nil {
		return err
	}
	if v, ok := opts["max"]; ok && strings.Trim(v, "0123456789") != "" {
		return fmt.Errorf("renderer lines: option max %q: want a whole number", v)
	}
	return nil
}

func (linesRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	out := renderers.NewOut(ctx, w)
	out.WriteString(req.Site + " " + req.Feed + " " + req.DataType + " " + req.Generated.Format(time.RFC3339Nano) + "\n")
	multi := 0
	for x := range in {
		if err := out.Next(); err != nil {
			return err
		}
		if x.MultiLine() {
			multi++
			continue
		}
		fmt.Fprintf(out, "%v %s %s %q %s %d %d %v\n", x.Type, x.Value, x.MISPType, x.Category, x.UUID, x.EventID, x.Timestamp, x.ToIDS)
	}
	req.Drop("multi-line value", multi)
	return out.Close()
}
