package cli

import (
	"fmt"
	"log/slog"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/core/taxii"
)

// openCollections creates the state directory and returns the TAXII
// collections kept in it; without a state directory (no config file)
// they are kept in memory.
func openCollections(cfg *config.Config, logger *slog.Logger) (*taxii.Manager, error) {
	if cfg.StateDir == "" {
		return taxii.NewManager(nil, logger), nil
	}
	dir, err := state.Open(cfg.StateDir, logger)
	if err != nil {
		return nil, fmt.Errorf("state_dir: %w", err)
	}
	return taxii.NewManager(dir, logger), nil
}
