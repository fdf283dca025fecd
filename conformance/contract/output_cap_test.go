package contract

import (
	"bytes"
	"context"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// endless writes without end until a write fails.
type endless struct{ lines }

func (endless) Render(ctx context.Context, w io.Writer, _ renderers.Request, in iter.Seq[indicator.Indicator]) error {
	for range in {
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for {
		if _, err := w.Write(chunk); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// A renderer that writes without end fails the check once it has written
// maxCheckOutput, and takes no more memory than that: cratos plugin check
// runs where the service runs.
func TestCheckBoundsOutput(t *testing.T) {
	defer func(n int) { maxCheckOutput = n }(maxCheckOutput)
	maxCheckOutput = 1 << 20
	err := Check(context.Background(), endless{})
	if err == nil || !strings.Contains(err.Error(), "wrote more than") {
		t.Fatalf("Check(endless) = %v, want the output bound", err)
	}
}
