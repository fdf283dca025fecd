package conformance

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Rendered is the result of Render.
type Rendered struct {
	Out   []byte
	Drops map[string]int // counts reported through Request.Drop, by reason
}

// DropReport lists Drops as "reason: count" lines sorted by reason, for a
// golden file next to the output; it is empty when nothing was dropped.
func (r Rendered) DropReport() []byte {
	var b bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(r.Drops)) {
		fmt.Fprintf(&b, "%s: %d\n", k, r.Drops[k])
	}
	return b.Bytes()
}

// DropTotal is the sum of the counts in Drops.
func (r Rendered) DropTotal() int {
	n := 0
	for _, c := range r.Drops {
		n += c
	}
	return n
}

// Render renders ins with r into memory and records what r reports through
// Request.Drop (req.Dropped is replaced). It fails tb when Render returns
// an error.
func Render(tb testing.TB, r renderers.Renderer, req renderers.Request, ins []indicator.Indicator) Rendered {
	tb.Helper()
	var (
		buf bytes.Buffer
		mu  sync.Mutex
	)
	res := Rendered{Drops: map[string]int{}}
	req.Dropped = func(reason string, n int) {
		mu.Lock()
		defer mu.Unlock()
		res.Drops[reason] += n
	}
	if err := r.Render(context.Background(), &buf, req, renderers.Slice(ins)); err != nil {
		tb.Fatalf("render %s: %v", r.Info().Name, err)
	}
	res.Out = buf.Bytes()
	return res
}
