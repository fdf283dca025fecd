package conformance

import (
	"context"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
)

// BenchmarkRender renders in with r and req once per b.Loop iteration into
// a writer that only counts bytes. It sets the bytes per operation to the
// output's size and reports indicators/s (wall clock) and indicators/cpu-s
// (the process's CPU time, which a machine busy with other work inflates
// less; left out where CPU time is unavailable).
func BenchmarkRender(b *testing.B, r renderers.Renderer, req renderers.Request, in []indicator.Indicator) {
	b.Helper()
	cpu0 := testtool.CPUTime()
	for b.Loop() {
		var n countWriter
		if err := r.Render(context.Background(), &n, req, renderers.Slice(in)); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(n))
	}
	total := float64(len(in)) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "indicators/s")
	if cpu := testtool.CPUTime() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(total/cpu.Seconds(), "indicators/cpu-s")
	}
}

// countWriter counts the bytes written to it and discards them.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
