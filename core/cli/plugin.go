package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/cratos-project/cratos/conformance/contract"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
)

// pluginSet is the plugins launched for one process.
type pluginSet []*plugins.Plugin

func (ps pluginSet) close() {
	for _, p := range ps {
		_ = p.Close()
	}
}

// launchPlugins starts every configured plugin and adds it to registry.
// A name taken by a built-in, a checksum mismatch or a failed start stops
// start-up.
func launchPlugins(cfg *config.Config, registry *renderers.Registry, logger *slog.Logger) (pluginSet, error) {
	var set pluginSet
	for _, pc := range cfg.Plugins {
		if err := plugins.CheckName(pc.Name, registry); err != nil {
			set.close()
			return nil, fmt.Errorf("%s: plugins: %w", cfg.Path, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		p, err := plugins.Launch(ctx, plugins.Config{Name: pc.Name, Path: pc.Path, SHA256: pc.SHA256, Logger: logger})
		cancel()
		if err != nil {
			set.close()
			return nil, fmt.Errorf("%s: plugin %s: %w", cfg.Path, pc.Name, err)
		}
		set = append(set, p)
		if err := registry.Add(p.Renderer()); err != nil {
			set.close()
			return nil, fmt.Errorf("%s: plugin %s: %w", cfg.Path, pc.Name, err)
		}
	}
	return set, nil
}

// checkPluginFiles checks what serve checks of each plugin before it
// launches it: a name no built-in renderer has, and a binary whose
// sha256 is the configured one.
func checkPluginFiles(cfg *config.Config, registry *renderers.Registry) error {
	for _, pc := range cfg.Plugins {
		if err := plugins.CheckName(pc.Name, registry); err != nil {
			return fmt.Errorf("%s: plugins: %w", cfg.Path, err)
		}
		sum, err := plugins.SHA256File(pc.Path)
		if err != nil {
			return fmt.Errorf("%s: plugin %s: %w", cfg.Path, pc.Name, err)
		}
		if want := strings.ToLower(pc.SHA256); sum != want {
			return fmt.Errorf("%s: plugin %s: %s has sha256 %s, the configuration says %s", cfg.Path, pc.Name, pc.Path, sum, want)
		}
	}
	return nil
}

// skipPluginOptions returns check, with the options of a configured
// plugin's renderer taken as they are: check does not launch plugins, and
// serve has the plugin check them.
func skipPluginOptions(cfg *config.Config, check config.RendererCheck) config.RendererCheck {
	return func(name string, opts map[string]string) error {
		for _, pc := range cfg.Plugins {
			if pc.Name == name {
				return nil
			}
		}
		return check(name, opts)
	}
}

func runPlugin(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "Usage: cratos plugin check PATH\n\nLaunches the plugin binary at PATH and runs the renderer conformance checks on it.")
			return nil
		}
		return usageError("plugin: want \"plugin check PATH\"")
	}
	fs := newFlags("plugin check", "plugin check PATH", stderr)
	timeout := fs.Duration("timeout", 2*time.Minute, "time allowed for the whole check")
	if err := parse(fs, args[1:], stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("plugin check: want exactly one PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := checkPluginBinary(ctx, fs.Arg(0)); err != nil {
		return &exitError{code: 1, msg: "plugin check: " + err.Error()}
	}
	fmt.Fprintln(stdout, "plugin check: OK")
	return nil
}

// checkPluginBinary launches the plugin program at path (a relative path
// is taken from the working directory), taking its checksum from the file
// as it is, and runs the renderer contract (contract.Check) on it across
// the process boundary; a plugin that had to be restarted during the
// check fails too.
func checkPluginBinary(ctx context.Context, path string) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("conformance: plugin: %w", err)
	}
	sum, err := plugins.SHA256File(path)
	if err != nil {
		return fmt.Errorf("conformance: plugin %s: %w", path, err)
	}
	p, err := plugins.Launch(ctx, plugins.Config{Path: path, SHA256: sum})
	if err != nil {
		return fmt.Errorf("conformance: plugin %s: %w", path, err)
	}
	defer p.Close()
	if err := contract.Check(ctx, p.Renderer()); err != nil {
		return err
	}
	if n := p.Restarts(); n > 0 {
		return fmt.Errorf("conformance: plugin %s: the plugin failed and was restarted %d times during the check", path, n)
	}
	return nil
}
