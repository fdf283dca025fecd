package conformance

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all" // every built-in renderer
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

// TestCheckBridge carries every built-in renderer, and a renderer using
// every indicator field, across the bridge.
func TestCheckBridge(t *testing.T) {
	tests := append([]renderers.Renderer{linesRenderer{}}, renderers.All()...)
	for _, r := range tests {
		t.Run(r.Info().Name, func(t *testing.T) {
			CheckBridge(t, r)
		})
	}
}

func TestCheckPluginBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example plugin")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build the example plugin")
	}
	bin := filepath.Join(t.TempDir(), "routeros")
	if out, err := exec.Command(goTool, "build", "-o", bin, "../plugins/example/routeros").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := CheckPluginBinary(ctx, bin); err != nil {
		t.Fatalf("CheckPluginBinary: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	if err := CheckPluginBinary(ctx, missing); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("CheckPluginBinary(%s) = %v, want a missing file error", missing, err)
	}
}
