package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/consumers"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/metrics"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/renderers"
)

// Version is reported by / and the OpenAPI document.
var Version = "1.1.0"

// Options configure a Server.
type Options struct {
	Config    *config.Config
	Sites     *config.Sites
	Codec     *auth.Codec
	Export    *export.Service
	Renderers *renderers.Registry
	// Cache is pinged for /v1/status; it may be nil.
	Cache cache.Pinger
	// CacheKind names the cache for /v1/status: "memory" or "memcached".
	CacheKind string
	Logger    *slog.Logger
	// AccessLog receives one JSON line per request, in one Write call that
	// may come from any goroutine; nil disables it.
	AccessLog io.Writer
	Now       func() time.Time
	// Metrics, when set, counts requests and is served at /metrics.
	Metrics *metrics.Metrics
	// FailLimit is how many failed authentications (or token mints) one
	// address may make per minute (default 20).
	FailLimit int
	// DefaultTTL is the cache lifetime when neither the request nor the
	// site sets one (default 60 s).
	DefaultTTL time.Duration
	// Consumers records pulls (default: a tracker of its own, whose
	// gauges join Metrics).
	Consumers *consumers.Tracker
	// Holds and Lookup feed the console's holds table and search box;
	// nil hides them (see console_hooks.go).
	Holds  HoldLister
	Lookup LookupFunc
	// TAXII keeps the TAXII collections (default: in memory only).
	TAXII *taxii.Manager
}

// Server serves the Cratos HTTP API.
type Server struct {
	opts        Options
	app         *fiber.App
	resolver    *acl.Resolver
	limiter     *failLimiter
	mints       *failLimiter
	probes      statusCache
	proxy       proxyWatch // forwarding headers from untrusted peers
	proxyHeader proxyWatch // trusted proxies without the configured header
	sessions    *sessionStore
	lis         atomic.Pointer[limitListener] // set by Serve
	serving     sync.Mutex                    // orders Serve and Shutdown
	shut        bool                          // Shutdown has begun: Serve returns at once
	targets     listTargets                   // the list shortcut's URLs (shortcut.go)
	routed      fasthttp.RequestHandler       // fiber's handler, behind the shortcut
	answered    atomic.Uint64                 // requests the shortcut answered
	admins      atomic.Pointer[[]string]      // admin_tokens, replaced by SetAdminTokens
	zones       atomic.Pointer[ZonesFunc]     // the DNS zones' stats, set by SetZones
	// forwarding are the header names that say who the client is, as
	// fasthttp normalizes them.
	forwarding []string
	wallClock  bool // opts.Now is time.Now: one reading serves for both
}

// New builds the server and its routes.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	wallClock := opts.Now == nil
	if wallClock {
		opts.Now = time.Now
	}
	if opts.FailLimit <= 0 {
		opts.FailLimit = 20
	}
	if opts.DefaultTTL <= 0 {
		opts.DefaultTTL = 60 * time.Second
	}
	if opts.TAXII == nil {
		opts.TAXII = taxii.NewManager(nil, opts.Logger)
	}
	header := ""
	if opts.Config.ReverseProxy || len(opts.Config.TrustedProxies) > 0 {
		header = opts.Config.ReverseProxyHeader
	}
	if opts.Consumers == nil {
		opts.Consumers = consumers.New(consumers.Options{Sites: opts.Sites, Now: opts.Now, Logger: opts.Logger})
	}
	if opts.Metrics != nil {
		if err := opts.Metrics.Register(opts.Consumers); err != nil {
			opts.Logger.Warn("consumer metrics", "error", err)
		}
		opts.Metrics.KnowSites(siteServed(opts.Sites))
		if opts.Export != nil {
			if err := opts.Metrics.WatchMemory(opts.Export.MemoryHeld); err != nil {
				opts.Logger.Warn("memory metrics", "error", err)
			}
			exp := opts.Export
			if err := opts.Metrics.WatchHolds(func() []export.Hold { return currentHolds(exp, opts.Sites, "") }); err != nil {
				opts.Logger.Warn("hold metrics", "error", err)
			}
		}
	}
	if opts.Holds == nil && opts.Export != nil {
		opts.Holds = exportHolds{opts.Export, opts.Sites}
	}
	s := &Server{
		sessions:  newSessionStore(),
		opts:      opts,
		wallClock: wallClock,
		resolver:  acl.NewResolver(opts.Config.TrustedProxies, header),
		limiter:   newFailLimiter(opts.FailLimit, time.Minute),
		mints:     newFailLimiter(opts.FailLimit, time.Minute),
	}
	s.SetAdminTokens(opts.Config.AdminTokens)
	// The write timeout fasthttp sets before each answer is the send
	// timeout, which the answer's writes move on as they make progress
	// (limitConn.progressed).
	s.app = fiber.New(fiber.Config{
		AppName:               "cratos",
		StrictRouting:         true, // "/x/" is a redirect to "/x", as in the original
		CaseSensitive:         true,
		DisableStartupMessage: true,
		Immutable:             true,
		ReadTimeout:           readTimeout,
		WriteTimeout:          s.sendTimeout(),
		IdleTimeout:           readTimeout,
		BodyLimit:             64 << 10,
		ReadBufferSize:        16 << 10,
		ErrorHandler:          s.errorHandler,
	})
	s.routes()
	for _, name := range append([]string{opts.Config.ReverseProxyHeader, s.resolver.Header()}, forwardingHeaders...) {
		if n := string(fasthttp.AppendNormalizedHeaderKey(nil, name)); name != "" && !slices.Contains(s.forwarding, n) {
			s.forwarding = append(s.forwarding, n)
		}
	}
	// Requests go to the list shortcut first (shortcut.go).
	s.routed = s.app.Server().Handler
	s.app.Server().Handler = s.handle
	return s
}

// sendTimeout is how long an answer's client may take nothing of it.
func (s *Server) sendTimeout() time.Duration {
	lim := s.opts.Config.Limits
	lim.SetDefaults()
	return time.Duration(lim.SendTimeoutSeconds) * time.Second
}

// App returns the Fiber application, for tests (app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Serve accepts connections on ln until Shutdown, also one that began
// before it.
func (s *Server) Serve(ln net.Listener) error {
	s.serving.Lock()
	if s.shut {
		s.serving.Unlock()
		return ln.Close()
	}
	l := s.limitListener(ln)
	s.lis.Store(l)
	s.serving.Unlock()
	return s.app.Listener(l)
}

// Shutdown stops accepting connections, closes those that have sent
// nothing for a second, and waits for in-flight requests until ctx is
// done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.serving.Lock()
	s.shut = true
	if l := s.lis.Load(); l != nil {
		// Serve may not have handed l to Fiber yet, which would then
		// serve on past Fiber's shutdown: l refuses to accept instead.
		l.shut.Store(true)
	}
	s.serving.Unlock()
	done := make(chan error, 1)
	go func() { done <- s.app.ShutdownWithContext(ctx) }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case now := <-tick.C:
			// Connections that have said nothing for a second are not
			// requests in flight: close them rather than wait for them.
			if l := s.lis.Load(); l != nil {
				l.closeSilent(now.Add(-time.Second))
			}
		}
	}
}

// errorHandler answers errors that escape a handler: Fiber's own (404,
// 405, body too large) keep their status; anything else is a 500 whose
// cause goes to the log, never to the client.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if fe.Code == fiber.StatusNotFound {
			msg = "Not Found"
		}
		return detail(c, fe.Code, msg)
	}
	s.opts.Logger.Error("request failed", "method", c.Method(), "route", c.Route().Path, "error", err)
	return detail(c, fiber.StatusInternalServerError, "internal error")
}

// clientIP returns the address the request comes from (see package acl).
func (s *Server) clientIP(c *fiber.Ctx) netip.Addr {
	return s.resolver.ClientIP(peerAddr(c.Context()), s.forwardedFor(&c.Request().Header))
}
