package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
)

// build builds this plugin once per test binary.
var build = testtool.GoBuild{Packages: []string{"."}}

func TestMain(m *testing.M) {
	code := m.Run()
	build.Remove()
	os.Exit(code)
}

// launch builds this plugin once per test binary and starts it.
func launch(tb testing.TB) *plugins.Plugin {
	tb.Helper()
	binPath := filepath.Join(build.Dir(tb), "routeros")
	sum, err := plugins.SHA256File(binPath)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := plugins.Launch(context.Background(), plugins.Config{Name: "routeros", Path: binPath, SHA256: sum})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}

// TestPluginProcessMatchesDirect renders through the built plugin process
// and in process, and wants the same bytes and drop reports.
func TestPluginProcessMatchesDirect(t *testing.T) {
	p := launch(t)
	r := p.Renderer()
	tests := []struct {
		name string
		opts map[string]string
		in   []indicator.Indicator
	}{
		{"empty", nil, nil},
		{"100k addresses", nil, ipFeed(100_000)},
		{"capped with options", map[string]string{"list": "misp", "timeout": "12h", "max_entries": "5000"}, ipFeed(20_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, wantDrops := renderDirect(t, tt.opts, tt.in)
			var buf bytes.Buffer
			var drops []drop
			req := renderers.Request{Site: "misp.example", Feed: "block", DataType: "ipv4ext", Generated: generated, Options: tt.opts,
				Dropped: func(reason string, n int) { drops = append(drops, drop{reason, n}) }}
			if err := r.Render(context.Background(), &buf, req, renderers.Slice(tt.in)); err != nil {
				t.Fatalf("Render through the plugin: %v", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("plugin output (%d bytes) differs from the direct call (%d bytes)", buf.Len(), len(want))
			}
			if len(drops) != len(wantDrops) || (len(drops) > 0 && drops[0] != wantDrops[0]) {
				t.Fatalf("drops %v, want %v", drops, wantDrops)
			}
		})
	}
}
