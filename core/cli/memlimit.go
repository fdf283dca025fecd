package cli

import (
	"log/slog"
	"runtime/debug"

	"github.com/cratos-project/cratos/core/config"
)

// applyMemoryLimit sets the process's soft memory limit from
// memory_limit_bytes, unless GOMEMLIMIT (getenv) already set one, and
// logs the limit in force. It returns that limit (math.MaxInt64: none).
func applyMemoryLimit(cfg *config.Config, getenv func(string) string, logger *slog.Logger) int64 {
	switch {
	case getenv("GOMEMLIMIT") != "":
		limit := debug.SetMemoryLimit(-1)
		logger.Info("memory limit", "bytes", limit, "from", "GOMEMLIMIT")
		return limit
	case cfg.MemoryLimitBytes > 0:
		debug.SetMemoryLimit(cfg.MemoryLimitBytes)
		logger.Info("memory limit", "bytes", cfg.MemoryLimitBytes, "from", "memory_limit_bytes")
		return cfg.MemoryLimitBytes
	}
	return debug.SetMemoryLimit(-1)
}
