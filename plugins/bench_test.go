package plugins_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all"
)

// BenchmarkBuiltinOutOfProcess renders 1,000,000 generated indicators
// (conformance.Generated(1_000_000, 1) restricted to each renderer's types)
// with built-in renderers called in process and served as plugins.
func BenchmarkBuiltinOutOfProcess(b *testing.B) {
	dir := b.TempDir()
	testtool.GoBuildTo(b, dir, "./testdata/builtin")
	bin := filepath.Join(dir, "builtin")
	all := conformance.Generated(1_000_000, 1)
	req := renderers.Request{Site: "misp.example", Feed: "block", Generated: time.Unix(1_800_000_000, 0).UTC()}
	for _, name := range []string{"txt", "csv", "stix21"} {
		r, ok := renderers.Lookup(name)
		if !ok {
			b.Fatalf("no built-in renderer %s", name)
		}
		types := indicator.SetOf(r.Info().Types...)
		var in []indicator.Indicator
		for _, x := range all {
			if types.Has(x.Type) {
				in = append(in, x)
			}
		}
		path := filepath.Join(dir, name)
		if err := os.Link(bin, path); err != nil {
			b.Fatal(err)
		}
		run := func(b *testing.B, r renderers.Renderer) {
			for b.Loop() {
				if err := r.Render(context.Background(), io.Discard, req, renderers.Slice(in)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(in))*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
		}
		b.Run(name+"/in-process", func(b *testing.B) { run(b, r) })
		b.Run(name+"/plugin", func(b *testing.B) {
			sum, err := plugins.SHA256File(path)
			if err != nil {
				b.Fatal(err)
			}
			p, err := plugins.Launch(context.Background(), plugins.Config{Name: name, Path: path, SHA256: sum})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			run(b, p.Renderer())
		})
	}
}
