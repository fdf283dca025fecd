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
// does, and its age, as the built-in suricata renderer names its file hash
// lists after it.
type serialRenderer struct{}

func (serialRenderer) Info() renderers.Info {
	return renderers.Info{Name: "serial", Description: "the content serial", ContentType: "text/plain",
		Extension: ".txt", Types: []indicator.Type{indicator.Domain}}
}

func (serialRenderer) Render(_ context.Context, w io.Writer, req renderers.Request, _ iter.Seq[indicator.Indicator]) error {
	_, err := fmt.Fprintf(w, "serial %d, cratos-%s-%s-%s.lst\n", req.Serial, req.Site, req.Feed, req.Age)
	return err
}

// TestBridgeCarriesRequestFields: a plugin reads the content serial the
// service gives the render and the route's age, as a built-in renderer
// does: the lists of one feed at two ages differ.
func TestBridgeCarriesRequestFields(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, stop, err := Loopback(ctx, serialRenderer{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	tests := []struct {
		serial uint32
		age    string
		want   string
	}{
		{0, "", "serial 0, cratos-s-f-.lst\n"},
		{1, "1d", "serial 1, cratos-s-f-1d.lst\n"},
		{2026120701, "30d", "serial 2026120701, cratos-s-f-30d.lst\n"},
		{1<<32 - 1, "1y", "serial 4294967295, cratos-s-f-1y.lst\n"},
	}
	for _, tc := range tests {
		req := renderers.Request{Site: "s", Feed: "f", Age: tc.age, Generated: time.Unix(1_800_000_000, 0).UTC(), Serial: tc.serial}
		var bridged bytes.Buffer
		if err := c.Render(ctx, &bridged, req, renderers.Slice(nil)); err != nil {
			t.Fatal(err)
		}
		if bridged.String() != tc.want {
			t.Errorf("serial %d, age %q: bridged %q, want %q", tc.serial, tc.age, bridged.String(), tc.want)
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
