package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
)

// TestSiteLoadsWhileItsPluginIsDown: a site file naming a plugin that
// crashed and cannot start again (its binary changed on disk) still
// loads, so a token it revokes is refused; the option names are checked
// against the plugin's Info, and the plugin checks the values when it
// renders.
func TestSiteLoadsWhileItsPluginIsDown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin binary")
	}
	bin, sum := buildPlugin(t, "testdata/faulty")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := plugins.Launch(ctx, plugins.Config{Name: "faulty", Path: bin, SHA256: sum})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	registry := renderers.Builtin().Clone()
	if err := registry.Add(p.Renderer()); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	check := rendererCheck(registry, slog.New(slog.NewJSONHandler(&logs, nil)))

	// The plugin exits in a render, and its binary is replaced before it
	// starts again: every start now fails its checksum.
	if err := p.Renderer().Render(ctx, io.Discard, renderers.Request{Feed: "exit"}, renderers.Slice(nil)); err == nil {
		t.Fatal("the exit fault rendered without error")
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var fault renderers.PluginFault
	if err := renderers.ValidateOptions(p.Renderer(), map[string]string{}); !errors.As(err, &fault) || !errors.Is(err, plugins.ErrChecksum) {
		t.Fatalf("the plugin is not down: ValidateOptions = %v", err)
	}

	revoked := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name, renderers, wantErr string
	}{
		{"no options", "renderers:\n  faulty: {}\n", ""},
		{"undeclared option", "renderers:\n  faulty: {colour: red}\n", `unknown option "colour"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "misp.example.yaml")
			body := "tag: t\nblacklisted_api_tokens: [" + revoked + "]\n" + tc.renderers
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			st, err := config.LoadSite(path, check)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("LoadSite = %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadSite while the plugin is down: %v", err)
			}
			if !st.IsRevoked(revoked) {
				t.Error("the token the site revokes is not revoked")
			}
			if !strings.Contains(logs.String(), `"plugin":"faulty"`) {
				t.Errorf("no warning names the plugin: %s", logs.String())
			}
		})
	}
}
