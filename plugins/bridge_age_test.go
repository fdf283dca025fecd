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

// ageRenderer names its list after the route's age, as the built-in
// suricata renderer names its file hash lists.
type ageRenderer struct{ serialRenderer }

func (ageRenderer) Render(_ context.Context, w io.Writer, req renderers.Request, _ iter.Seq[indicator.Indicator]) error {
	_, err := fmt.Fprintf(w, "cratos-%s-%s-%s.lst\n", req.Site, req.Feed, req.Age)
	return err
}

// TestBridgeCarriesAge: a plugin reads the route's age as a built-in
// renderer does, so the lists of one feed at two ages differ.
func TestBridgeCarriesAge(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, stop, err := Loopback(ctx, ageRenderer{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, age := range []string{"", "1d", "30d", "1y"} {
		req := renderers.Request{Site: "s", Feed: "f", Age: age, Generated: time.Unix(1_800_000_000, 0).UTC()}
		var bridged bytes.Buffer
		if err := c.Render(ctx, &bridged, req, renderers.Slice(nil)); err != nil {
			t.Fatal(err)
		}
		if want := "cratos-s-f-" + age + ".lst\n"; bridged.String() != want {
			t.Errorf("age %q: bridged %q, want %q", age, bridged.String(), want)
		}
	}
}
