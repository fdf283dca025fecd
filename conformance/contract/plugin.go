package contract

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/cratos-project/cratos/plugins"
)

// CheckPluginBinary launches the plugin program at path (a relative path is
// taken from the working directory), taking its checksum from the file as it
// is, and runs Check on it across the process boundary; a plugin that had to
// be restarted during the check fails too. It is what
// `cratos plugin check PATH` runs.
func CheckPluginBinary(ctx context.Context, path string) error {
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
	if err := Check(ctx, p.Renderer()); err != nil {
		return err
	}
	if n := p.Restarts(); n > 0 {
		return fmt.Errorf("conformance: plugin %s: the plugin failed and was restarted %d times during the check", path, n)
	}
	return nil
}
