package cli

import (
	"math"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// memory_limit_bytes sets the soft memory limit; GOMEMLIMIT, when set,
// wins and the configuration leaves the runtime's limit alone.
func TestApplyMemoryLimit(t *testing.T) {
	was := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(was) })
	for _, tc := range []struct {
		name   string
		config int64
		env    string
		want   int64
		logged string
	}{
		{"none", 0, "", math.MaxInt64, ""},
		{"from the configuration", 512 << 20, "", 512 << 20, `"from":"memory_limit_bytes"`},
		{"GOMEMLIMIT wins", 512 << 20, "300MiB", math.MaxInt64, `"from":"GOMEMLIMIT"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			logger, logs := testtool.JSONLogger()
			getenv := func(k string) string {
				if k == "GOMEMLIMIT" {
					return tc.env
				}
				return ""
			}
			got := applyMemoryLimit(&config.Config{MemoryLimitBytes: tc.config}, getenv, logger)
			if got != tc.want || debug.SetMemoryLimit(-1) != tc.want {
				t.Errorf("limit %d (runtime %d), want %d", got, debug.SetMemoryLimit(-1), tc.want)
			}
			if !strings.Contains(logs.String(), tc.logged) || tc.logged == "" && logs.String() != "" {
				t.Errorf("logged %q, want %s", logs.String(), tc.logged)
			}
		})
	}
}
