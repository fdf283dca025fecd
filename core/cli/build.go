package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/consumers"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/metrics"
	"github.com/cratos-project/cratos/core/server"
	"github.com/cratos-project/cratos/renderers"
)

// service is a fully assembled Cratos.
type service struct {
	cfg      *config.Config
	flags    startFlags // serve's flags, given over cfg's settings
	sites    *config.Sites
	codec    *auth.Codec
	export   *export.Service
	server   *server.Server
	registry *renderers.Registry
	metrics  *metrics.Metrics
	closers  []func()
}

// durableStopWait bounds how long stopping waits for last good lists
// still queued for writing to state_dir.
const durableStopWait = 10 * time.Second

func (s *service) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// assemble wires configuration, cache, export and HTTP server together.
// sites may be nil, in which case they are loaded from cfg.SitesDir.
func assemble(cfg *config.Config, sites *config.Sites, registry *renderers.Registry, logger *slog.Logger, access io.Writer) (*service, error) {
	svc := &service{cfg: cfg, registry: registry}
	if sites == nil {
		var err error
		sites, err = config.LoadSites(cfg.SitesDir, rendererCheck(registry, logger))
		if err != nil {
			return nil, err
		}
	}
	svc.sites = sites
	if len(sites.All()) == 0 {
		logger.Warn("no site files: every token will be refused", "sites_dir", cfg.SitesDir)
	}

	start := time.Now()
	svc.codec = auth.NewCodec(cfg.EncryptionKey, cfg.Salt)
	logger.Info("token key derived", "ms", time.Since(start).Milliseconds())

	mem := cache.NewMemory(cfg.CacheMaxBytes)
	cacheKind := "memory"
	// Generations live in the store every process shares: memcached when
	// set, else this process's memory.
	var generations cache.Store = mem
	var shared cache.Store
	var pinger cache.Pinger
	if addrs := cfg.MemcachedAddrs(); len(addrs) > 0 {
		if err := cache.CheckCredentials(cfg.MemcachedUser, cfg.MemcachedPass); err != nil {
			logger.Warn("memcached credentials ignored", "error", err)
		}
		mc, err := cache.NewMemcached(cache.Options{Servers: addrs, Timeout: 500 * time.Millisecond, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("memcached: %w", err)
		}
		svc.closers = append(svc.closers, func() { _ = mc.Close() })
		backoff := cache.NewBackoff(mc, 0, logger)
		generations, shared, pinger = mc, backoff, backoff
		cacheKind = "memcached"
	}
	m := metrics.New()
	svc.metrics = m
	keySecret := sha256.Sum256([]byte("cratos cache key identity\x00" + cfg.EncryptionKey + "\x00" + cfg.Salt))
	svc.export = export.New(export.Options{
		Renderers: registry,
		Store:     mem,
		Shared:    shared,
		Namespace: cache.NewNamespace(generations, time.Second),
		KeySecret: keySecret[:],
		HotBytes:  cfg.CacheMaxBytes,
		FeedBytes: cfg.FeedSnapshotMaxBytes,
		UserAgent: "Cratos/" + version(),
		Logger:    logger,
		Observer:  m,
		// config.yaml's never_block applies to every site.
		NeverBlock: cfg.NeverBlock,
		Limits: export.Limits{
			MaxBuilds:            cfg.MaxConcurrentBuilds,
			MISPMaxResponseBytes: cfg.MISPMaxResponseBytes,
			MISPMaxPages:         cfg.MISPMaxPages,
			MISPMaxAttributes:    cfg.MISPMaxAttributes,
			RenderMaxBytes:       cfg.RenderMaxBytes,
			ColdBuildsPerMinute:  cfg.ColdBuildsPerMinute,
			RendersPerMinute:     cfg.RendersPerMinute,
			Sites:                func() int { return enabledSites(sites) },
		},
		State:          openListState(cfg, logger),
		StateMaxAge:    cfg.StateMaxAge(),
		StateMaxBytes:  cfg.StateListBytes(),
		ReconcileEvery: time.Duration(cfg.ReconcileSeconds) * time.Second,
		Maker:          listMaker(cfg),
	})
	svc.closers = append(svc.closers, func() {
		if left := svc.export.WaitDurableFor(durableStopWait); left > 0 {
			logger.Warn("last good lists not written before stopping; their files keep the versions written before", "lists", left)
		}
	})
	// Late consumers are looked for every 30 s and logged once each.
	tracker := consumers.New(consumers.Options{Sites: sites, Logger: logger})
	watchCtx, stopWatch := context.WithCancel(context.Background())
	go tracker.Watch(watchCtx, 30*time.Second)
	svc.closers = append(svc.closers, stopWatch)
	collections := openCollections(cfg, logger)
	svc.server = server.New(server.Options{
		Consumers: tracker,
		Config:    cfg,
		Sites:     sites,
		Codec:     svc.codec,
		Export:    svc.export,
		Renderers: registry,
		Cache:     pinger,
		CacheKind: cacheKind,
		Logger:    logger,
		AccessLog: access,
		Metrics:   m,
		FailLimit: cfg.AuthFailLimit,
		TAXII:     collections,
	})
	return svc, nil
}

// enabledSites counts the sites that serve requests, as a reload left
// them.
func enabledSites(sites *config.Sites) int {
	n := 0
	for _, st := range sites.All() {
		if st.IsEnabled() {
			n++
		}
	}
	return n
}

// rendererCheck validates the per-site options of renderers in registry.
// A plugin that cannot answer (it failed and does not start again) has
// the names, and the values of options of a kind other than string,
// checked against its Info, as its own ParseOptions would; it checks the
// rest when it renders: its failure must not keep a site file, and the
// tokens it revokes, from loading.
func rendererCheck(registry *renderers.Registry, logger *slog.Logger) config.RendererCheck {
	return func(name string, opts map[string]string) error {
		r, ok := registry.Lookup(name)
		if !ok {
			return fmt.Errorf("no renderer named %q", name)
		}
		err := renderers.ValidateOptions(r, opts)
		var fault renderers.PluginFault
		if errors.As(err, &fault) {
			logger.Warn("renderer plugin did not check a site's options; it checks them when it renders", "plugin", name, "error", err)
			_, err := renderers.ParseOptions(r.Info(), opts)
			return err
		}
		return err
	}
}

func newLogger(w io.Writer, debug bool) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return server.Version
}
