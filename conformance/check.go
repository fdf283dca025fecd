package conformance

import (
	"context"

	"github.com/cratos-project/cratos/conformance/contract"
	"github.com/cratos-project/cratos/renderers"
)

// ErrCheckWriter is the error of the failing writer Check renders into;
// Render must return an error wrapping it. It is contract.ErrCheckWriter.
var ErrCheckWriter = contract.ErrCheckWriter

// Check runs the renderer contract against r and returns every failure,
// joined with errors.Join, or nil when r conforms; contract.Check
// documents each check. A panic in the renderer is reported as a failure.
// ctx bounds the whole check.
func Check(ctx context.Context, r renderers.Renderer) error { return contract.Check(ctx, r) }
