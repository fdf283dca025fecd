package stix21

import (
	"bytes"
	"context"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/renderers"
)

// BenchmarkRenderCPU renders a million generated indicators with a TLP
// marking, as BenchmarkRender does, and also reports indicators per CPU
// second, which other work on a shared machine inflates less.
func BenchmarkRenderCPU(b *testing.B) {
	ins := supported(conformance.Generated(1_000_000, 1))
	conformance.BenchmarkRender(b, Renderer{}, request(map[string]string{OptTLP: "green"}), ins)
}

// BenchmarkRenderAgainstPrevious is BenchmarkRenderCPU for a rebuild: the
// bundle last served is the request's Previous.
func BenchmarkRenderAgainstPrevious(b *testing.B) {
	ins := supported(conformance.Generated(1_000_000, 1))
	req := request(map[string]string{OptTLP: "green"})
	var prev bytes.Buffer
	if err := (Renderer{}).Render(context.Background(), &prev, req, renderers.Slice(ins)); err != nil {
		b.Fatal(err)
	}
	req.Previous = prev.Bytes()
	conformance.BenchmarkRender(b, Renderer{}, req, ins)
}
