package plugins

import (
	"context"
	"errors"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// dropRenderer writes one line per indicator and reports drops as its
// "drops" option says.
type dropRenderer struct{}

func (dropRenderer) Info() renderers.Info {
	return renderers.Info{Name: "drops", ContentType: "text/plain", Extension: ".txt", Types: indicator.AllTypes()}
}

func (dropRenderer) Render(_ context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	n := 0
	for x := range in {
		if _, err := io.WriteString(w, x.Value+"\n"); err != nil {
			return err
		}
		switch req.Options["drops"] {
		case "per-value":
			req.Drop("left out "+x.Value, 1)
		case "few":
			req.Drop("reason "+strconv.Itoa(n%renderers.MaxDropReasons), 1)
		}
		n++
	}
	switch req.Options["drops"] {
	case "long":
		req.Drop(strings.Repeat("r", renderers.MaxDropReason+1), 1)
	case "longest":
		req.Drop(strings.Repeat("r", renderers.MaxDropReason), 1)
	case "overflow":
		req.Drop("a", math.MaxInt)
		req.Drop("b", 1)
	}
	return nil
}

// TestDropReportsAreBounded: the drop reasons a plugin gives are kept
// until the list is served and sent in one header, so a plugin that
// gives too many or too long ones, or counts past an int, breaks the
// protocol; up to the limits they arrive as given.
func TestDropReportsAreBounded(t *testing.T) {
	c := loopback(t, dropRenderer{})
	tests := []struct {
		drops   string
		in      int
		err     string
		reasons int
	}{
		{"per-value", 10_000, "plugin protocol violation: drop reports with more than 64 reasons", 64},
		{"long", 1, "plugin protocol violation: drop reason of 201 bytes (limit 200)", 0},
		{"overflow", 1, "plugin protocol violation: drop reports of more than 9223372036854775807 entries", 1},
		{"few", 10_000, "", renderers.MaxDropReasons},
		{"longest", 1, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.drops, func(t *testing.T) {
			reasons := map[string]int{}
			req := renderers.Request{Options: map[string]string{"drops": tt.drops},
				Dropped: func(reason string, n int) { reasons[reason] += n }}
			in := make([]indicator.Indicator, tt.in)
			for i := range in {
				in[i] = indicator.Indicator{Type: indicator.IPv4, Value: "192.0.2." + strconv.Itoa(i)}
			}
			err := c.Render(context.Background(), io.Discard, req, renderers.Slice(in))
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("Render: %v", err)
			case tt.err != "" && (err == nil || err.Error() != tt.err || !errors.Is(err, ErrProtocol)):
				t.Fatalf("Render error = %v, want %q", err, tt.err)
			}
			if len(reasons) != tt.reasons {
				t.Fatalf("%d reasons reported, want %d", len(reasons), tt.reasons)
			}
		})
	}
}

// longErrorRenderer fails with an error text of a megabyte, and finds
// every option set invalid with one.
type longErrorRenderer struct{}

var longError = "é" + strings.Repeat("x", 1<<20)

func (longErrorRenderer) Info() renderers.Info {
	return renderers.Info{Name: "long-error", ContentType: "text/plain", Extension: ".txt", Types: indicator.AllTypes()}
}

func (longErrorRenderer) Render(context.Context, io.Writer, renderers.Request, iter.Seq[indicator.Indicator]) error {
	return errors.New(longError[2:])
}

func (longErrorRenderer) ValidateOptions(map[string]string) error { return errors.New(longError) }

// TestPluginErrorTextIsBounded: the error text a plugin reports goes into
// the response and the log, cut at 1 KiB on a character boundary.
func TestPluginErrorTextIsBounded(t *testing.T) {
	c := loopback(t, longErrorRenderer{})
	err := c.Render(context.Background(), io.Discard, renderers.Request{}, renderers.Slice(nil))
	if want := strings.Repeat("x", 1024) + "..."; err == nil || err.Error() != want {
		t.Fatalf("Render error %.200q of %d bytes, want %d", errText(err), len(errText(err)), len(want))
	}
	err = c.ValidateOptions(map[string]string{"a": "b"})
	if want := "é" + strings.Repeat("x", 1022) + "..."; err == nil || err.Error() != want {
		t.Fatalf("ValidateOptions error of %d bytes, want %d", len(errText(err)), len(want))
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
