package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/server"
	"github.com/cratos-project/cratos/renderers"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	// Until run catches signals, a SIGHUP (a reload sent as the service
	// comes up) must not end the process; the sites are read below.
	early := make(chan os.Signal, 1)
	signal.Notify(early, syscall.SIGHUP)
	defer signal.Stop(early)
	flags := newServiceFlags("serve", serviceFlagUsage{
		config:   "configuration file (the sites directory is sites_dir, by default sites/ next to config/)",
		listen:   "listen address, overriding the configuration's listen",
		stateDir: "state directory (last good lists, DNS zones, TAXII histories), overriding the configuration's state_dir",
	}, stderr)
	cfg, err := flags.load(args, stdout)
	if err != nil {
		return err
	}
	start := startFlags{listen: *flags.listen}
	if *flags.stateDir != "" {
		if start.stateDir, err = filepath.Abs(*flags.stateDir); err != nil {
			return usageError("serve: --state-dir: %v", err)
		}
	}
	start.apply(cfg)
	logger := newLogger(stderr, cfg.Debug)
	// The address is taken before anything that may wait (state_dir held
	// by another process, plugins starting): a port in use or a mistyped
	// address is reported at once, not after the wait.
	ln, err := listenHTTP(cfg.Listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	applyMemoryLimit(cfg, os.Getenv, logger)
	if n, err := server.RaiseFileLimit(); err != nil {
		logger.Warn("open-file limit not raised", "limit", n, "error", err)
	}
	// Access lines are written in batches so that no request waits on a
	// write; the service log stays unbuffered.
	var accessOut io.Writer = stderr
	if cfg.AccessLog != "" {
		rf, err := openRotating(cfg.AccessLog, cfg.AccessLogMaxBytes, cfg.AccessLogRotations)
		if err != nil {
			return usageError("%v", err)
		}
		defer rf.Close()
		accessOut = rf
	}
	bl := newBufferedLog(accessOut)
	defer bl.Close()
	registry := renderers.Builtin().Clone()
	plugins, err := launchPlugins(cfg, registry, logger)
	if err != nil {
		return usageError("%v", err)
	}
	defer plugins.close()
	svc, err := assemble(cfg, nil, registry, logger, bl)
	if err != nil {
		return usageError("%v", err)
	}
	defer svc.close()
	svc.flags = start
	for _, w := range configWarnings(cfg, svc.sites) {
		logger.Warn("configuration: " + w)
	}
	for _, p := range plugins {
		if err := svc.metrics.WatchPlugin(p.Info().Name, p.Restarts); err != nil {
			logger.Warn("plugin metric", "plugin", p.Info().Name, "error", err)
		}
	}
	defer startPruning(cfg, svc.export, pruneFirstAfter, pruneEvery)()
	stopDNS, err := startDNS(cfg, svc, logger)
	if err != nil {
		return usageError("%v", err)
	}
	defer stopDNS()
	return run(svc, ln, logger, nil)
}

// startFlags are the settings serve's flags give over config.yaml's.
type startFlags struct{ listen, stateDir string }

// apply gives cfg the settings of the flags; a reload applies them to
// config.yaml read again, as at start.
func (f startFlags) apply(cfg *config.Config) {
	if f.listen != "" {
		cfg.Listen = f.listen
	}
	if f.stateDir != "" {
		cfg.StateDir = f.stateDir
	}
}

// listenHTTP opens the HTTP listener on addr; failing is a usage error.
func listenHTTP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usageError("listen %s: %v", addr, err)
	}
	return ln, nil
}

// reloadSites rereads the site files; tests hold a reload with it.
var reloadSites = (*config.Sites).Reload

// run serves on ln until SIGINT or SIGTERM, reloading sites on SIGHUP,
// then shuts down gracefully. ready, when set, is called once serving.
func run(svc *service, ln net.Listener, logger *slog.Logger, ready func(net.Addr)) error {
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	logger.Info("listening", "addr", ln.Addr().String(), "sites", len(svc.sites.All()), "renderers", len(svc.registry.Names()))
	if ready != nil {
		ready(ln.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- svc.server.Serve(ln) }()
	var reloads reloader
	for {
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		case s := <-sig:
			if s == syscall.SIGHUP {
				// Reloading never holds up this loop: a stuck file
				// system must not block the next SIGTERM.
				if !reloads.start(func() { reloadAndLog(svc, logger) }) {
					logger.Warn("sites reload already running; it runs once more when done")
				}
				continue
			}
			logger.Info("shutting down", "signal", s.String())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err := svc.server.Shutdown(ctx)
			cancel()
			if err != nil {
				logger.Warn("shutdown", "error", err)
			}
			<-done
			return nil
		}
	}
}

// reloadAndLog rereads admin_tokens and the site files and logs what did
// not load.
func reloadAndLog(svc *service, logger *slog.Logger) {
	reloadAdminTokens(svc, logger)
	errs := reloadSites(svc.sites)
	for _, e := range errs {
		logger.Error("site file not reloaded; keeping the previous version", "error", e)
	}
	for _, st := range svc.sites.All() {
		for _, w := range st.Warnings {
			logger.Warn("site file: " + w)
		}
	}
	for _, w := range svc.sites.FileWarnings() {
		logger.Warn("sites: " + w)
	}
	logger.Info("sites reloaded", "sites", len(svc.sites.All()), "errors", len(errs))
}

// reloadAdminTokens rereads config.yaml and gives the server its
// admin_tokens; the other settings of config.yaml take a restart, and
// each one changed is logged as needing it. A file that does not load
// keeps the admin tokens in use.
func reloadAdminTokens(svc *service, logger *slog.Logger) {
	if svc.cfg == nil || svc.cfg.Path == "" {
		return
	}
	cfg, err := config.Load(svc.cfg.Path)
	if err != nil {
		logger.Error("config.yaml not reloaded; keeping the admin tokens in use", "error", err)
		return
	}
	svc.server.SetAdminTokens(cfg.AdminTokens)
	svc.flags.apply(cfg)
	for _, key := range cfg.RestartChanges(svc.cfg) {
		logger.Warn("config.yaml: "+key+" changed: it needs a restart to apply", "setting", key)
	}
	logger.Info("admin_tokens reloaded", "admin_tokens", len(cfg.AdminTokens))
}

// reloader runs one reload at a time; a SIGHUP during one makes it run
// once more when it ends, so a file changed meanwhile is read.
type reloader struct {
	mu             sync.Mutex
	running, again bool
}

// start runs reload in the background and reports true, or, when a
// reload is running, has it run once more and reports false.
func (r *reloader) start(reload func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		r.again = true
		return false
	}
	r.running = true
	go func() {
		for {
			reload()
			r.mu.Lock()
			again := r.again
			r.again, r.running = false, again
			r.mu.Unlock()
			if !again {
				return
			}
		}
	}()
	return true
}
