package cli

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/dnsprimary"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/core/taxii"
)

// openCollections creates the state directory and returns the TAXII
// collections kept in it. Without a state directory (no config file), or
// when it cannot be created (a read-only /etc under systemd), they are
// kept in memory and the log says why: serving lists matters more than
// remembering TAXII history across restarts.
func openCollections(cfg *config.Config, logger *slog.Logger) *taxii.Manager {
	return taxii.NewManager(openStateDir(cfg, logger, "", "TAXII collections are kept in memory until it is fixed"), logger)
}

// openListState returns the directory (state_dir/lists) where the last
// good lists are kept across restarts, or nil, logged, when there is
// none: lists are then kept in memory only.
func openListState(cfg *config.Config, logger *slog.Logger) *state.Dir {
	return openStateDir(cfg, logger, "lists", "last good lists are kept in memory only")
}

// openZoneState returns where the DNS zones are kept across restarts
// (state_dir/zones), or nil, logged, when there is none.
func openZoneState(cfg *config.Config, logger *slog.Logger) dnsprimary.StateStore {
	if dir := openStateDir(cfg, logger, "zones", "DNS zones start from MISP after a restart"); dir != nil {
		return dir
	}
	return nil
}

// stateInUseWait is how long a directory of state_dir that another
// process holds is waited for: a process being replaced (a rolling update
// on a shared volume) holds it while it shuts down and writes its last
// lists. Once a wait has run out, later ones give up at once.
var (
	stateInUseWait   = time.Minute
	stateInUseGaveUp atomic.Bool
)

// openStateDir opens the directory sub of state_dir (state_dir itself
// when sub is empty). Without a state_dir it returns nil; when the
// directory cannot be opened (another process still holding it after
// stateInUseWait) it logs that state_dir is unusable and what follows
// (without), and returns nil. A directory files cannot be written in is
// said at once, not at the first write, and still returned for reading.
func openStateDir(cfg *config.Config, logger *slog.Logger, sub, without string) *state.Dir {
	if cfg.StateDir == "" {
		return nil
	}
	path := filepath.Join(cfg.StateDir, sub)
	dir, err := state.Open(path, logger)
	if errors.Is(err, state.ErrInUse) && !stateInUseGaveUp.Load() {
		logger.Warn("state_dir in use by another process; waiting for it to end", "state_dir", cfg.StateDir, "wait", stateInUseWait.String())
		for deadline := time.Now().Add(stateInUseWait); errors.Is(err, state.ErrInUse) && time.Now().Before(deadline); {
			time.Sleep(200 * time.Millisecond)
			dir, err = state.Open(path, logger)
		}
		stateInUseGaveUp.Store(err != nil)
	}
	if err != nil {
		logger.Error("state_dir unusable; "+without, "state_dir", cfg.StateDir, "error", err)
		return nil
	}
	if err := state.Writable(path); err != nil {
		// What it holds is still read: a disk remounted read-only keeps
		// serving the lists and zones kept before.
		logger.Error("state_dir not writable; what it holds is read, but nothing new is kept across a restart until it is fixed",
			"state_dir", cfg.StateDir, "error", err)
	}
	return dir
}

// The last good lists in state_dir no longer asked for are pruned first
// pruneFirstAfter after start, then every pruneEvery. Not at once: a
// list in use is dated when a device asks for it, and after a long stop
// every file is old until the devices have come back.
const (
	pruneFirstAfter = time.Hour
	pruneEvery      = 24 * time.Hour
)

// startPruning runs svc's prune passes of state_dir's last good lists,
// the first after first, then every every, until stop is called. It
// does nothing when lists are kept until removed by hand.
func startPruning(cfg *config.Config, svc *export.Service, first, every time.Duration) (stop func()) {
	if cfg.StateDir == "" || cfg.StateMaxAge() <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		timer := time.NewTimer(first)
		defer timer.Stop()
		for {
			select {
			case <-done:
				return
			case <-timer.C:
				svc.PruneDurable()
				timer.Reset(every)
			}
		}
	}()
	return func() { close(done) }
}

// listMaker names the code that renders lists in this process: the
// binary (its version, and its size and time on disk, which tell builds
// of one version apart) and each plugin by name and sha256. A last good
// list made under another is not served from disk as fresh after a
// restart (export.Options.Maker).
func listMaker(cfg *config.Config) string {
	parts := []string{version()}
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			parts = append(parts, strconv.FormatInt(st.Size(), 10)+"@"+strconv.FormatInt(st.ModTime().UnixNano(), 10))
		}
	}
	plugins := make([]string, 0, len(cfg.Plugins))
	for _, p := range cfg.Plugins {
		plugins = append(plugins, p.Name+":"+strings.ToLower(p.SHA256))
	}
	slices.Sort(plugins)
	return strings.Join(append(parts, plugins...), " ")
}
