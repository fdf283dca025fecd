package cli

import (
	"log/slog"
	"path/filepath"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/dnsprimary"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/core/taxii"
)

// openCollections creates the state directory and returns the TAXII
// collections kept in it. Without a state directory (no config file), or
// when it cannot be created (a read-only /etc under systemd), they are
// kept in memory and the log says why: serving lists matters more than
// remembering TAXII history across restarts.
func openCollections(cfg *config.Config, logger *slog.Logger) *taxii.Manager {
	if cfg.StateDir == "" {
		return taxii.NewManager(nil, logger)
	}
	dir, err := state.Open(cfg.StateDir, logger)
	if err != nil {
		logger.Error("state_dir unusable; TAXII collections are kept in memory until it is fixed", "state_dir", cfg.StateDir, "error", err)
		return taxii.NewManager(nil, logger)
	}
	return taxii.NewManager(dir, logger)
}

// openListState returns the directory (state_dir/lists) where the last
// good lists are kept across restarts, or nil, logged, when there is
// none: lists are then kept in memory only.
func openListState(cfg *config.Config, logger *slog.Logger) *state.Dir {
	if cfg.StateDir == "" {
		return nil
	}
	dir, err := state.Open(filepath.Join(cfg.StateDir, "lists"), logger)
	if err != nil {
		logger.Error("state_dir unusable; last good lists are kept in memory only", "state_dir", cfg.StateDir, "error", err)
		return nil
	}
	return dir
}

// openZoneState returns where the DNS zones are kept across restarts
// (state_dir/zones), or nil, logged, when there is none.
func openZoneState(cfg *config.Config, logger *slog.Logger) dnsprimary.StateStore {
	if cfg.StateDir == "" {
		return nil
	}
	dir, err := state.Open(filepath.Join(cfg.StateDir, "zones"), logger)
	if err != nil {
		logger.Error("state_dir unusable; DNS zones start from MISP after a restart", "state_dir", cfg.StateDir, "error", err)
		return nil
	}
	return dir
}
