package conformance

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/bridge"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all" // every built-in renderer
)

// TestCheckBridge carries every built-in renderer, and a renderer using
// every indicator field, across the bridge.
func TestCheckBridge(t *testing.T) {
	tests := append([]renderers.Renderer{linesRenderer{}}, renderers.All()...)
	for _, r := range tests {
		t.Run(r.Info().Name, func(t *testing.T) {
			bridge.Check(t, r)
		})
	}
}
