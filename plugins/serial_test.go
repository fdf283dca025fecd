package plugins

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// serialRenderer writes the request's content serial, as a zone's SOA
// does.
type serialRenderer struct{}

func (serialRenderer) Info() renderers.Info {
	return renderers.Info{Name: "serial", Description: "the content serial", ContentType: "text/plain",
		Extension: ".txt", Types: []indicator.Type{indicator.Domain}}
}

func (serialRenderer) Render(_ context.Context, w io.Writer, req renderers.Request, _ iter.Seq[indicator.Indicator]) error {
	_, err := fmt.Fprintf(w, "serial %d\n", req.Serial)
	return err
}

// TestBridgeCarriesSerial: a plugin reads the content serial the service
// gives the render, as a built-in renderer does.
func TestBridgeCarriesSerial(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, stop, err := Loopback(ctx, serialRenderer{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, serial := range []uint32{0, 1, 2026120701, 1<<32 - 1} {
		req := renderers.Request{Site: "s", Feed: "f", Generated: time.Unix(1_800_000_000, 0).UTC(), Serial: serial}
		var direct, bridged bytes.Buffer
		if err := (serialRenderer{}).Render(ctx, &direct, req, renderers.Slice(nil)); err != nil {
			t.Fatal(err)
		}
		if err := c.Render(ctx, &bridged, req, renderers.Slice(nil)); err != nil {
			t.Fatal(err)
		}
		if bridged.String() != direct.String() {
			t.Errorf("serial %d: bridged %q, direct %q", serial, bridged.String(), direct.String())
		}
	}
}
