package stix21

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
)

// BenchmarkRenderCPU renders a million generated indicators with a TLP
// marking, as BenchmarkRender does, and also reports indicators per CPU
// second, which other work on a shared machine inflates less.
func BenchmarkRenderCPU(b *testing.B) {
	ins := supported(conformance.Generated(1_000_000, 1))
	conformance.BenchmarkRender(b, Renderer{}, request(map[string]string{OptTLP: "green"}), ins)
}
