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

// zeroDropRenderer reports a drop of no entries through Request.Dropped
// itself, which an in-process render takes as nothing left out.
type zeroDropRenderer struct{ serialRenderer }

func (zeroDropRenderer) Render(_ context.Context, w io.Writer, req renderers.Request, _ iter.Seq[indicator.Indicator]) error {
	req.Dropped("nothing", 0)
	_, err := io.WriteString(w, "ok\n")
	return err
}

// TestBridgeZeroDrop: a plugin that reports a drop of no entries renders
// as in process, where the report changes nothing; the host takes a
// count below one for a protocol violation, so it is not sent.
func TestBridgeZeroDrop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, stop, err := Loopback(ctx, zeroDropRenderer{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	dropped := map[string]int{}
	req := renderers.Request{Site: "s", Feed: "f", Dropped: func(reason string, n int) { dropped[reason] += n }}
	var out bytes.Buffer
	if err := c.Render(ctx, &out, req, renderers.Slice(nil)); err != nil || out.String() != "ok\n" || len(dropped) != 0 {
		t.Errorf("render: %v, %q, dropped %v; want ok and nothing dropped", err, out.String(), dropped)
	}
}
