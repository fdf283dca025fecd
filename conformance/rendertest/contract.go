package rendertest

import (
	"context"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/renderers"
)

// Registered fails t unless r is the renderer registered under its name.
func Registered(t *testing.T, r renderers.Renderer) {
	t.Helper()
	name := r.Info().Name
	if got, ok := renderers.Lookup(name); !ok || got.Info().Name != name {
		t.Fatalf("%s is not registered", name)
	}
}

// Conforms fails t unless r passes conformance.Check.
func Conforms(t *testing.T, r renderers.Renderer) {
	t.Helper()
	if err := conformance.Check(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// Benchmark renders a million generated indicators of the types r takes
// with req.
func Benchmark(b *testing.B, r renderers.Renderer, req renderers.Request) {
	ins := conformance.OfTypes(conformance.Generated(1_000_000, 1), r.Info().Types...)
	conformance.BenchmarkRender(b, r, req, ins)
}
