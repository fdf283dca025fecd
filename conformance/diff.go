package conformance

import "github.com/cratos-project/cratos/conformance/internal/harness"

// FirstDifference describes where want and got first differ, by line.
func FirstDifference(want, got []byte) string { return harness.FirstDifference(want, got) }
