package server

import (
	"context"
	"html/template"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/templates"
)

// Repository is reported by the root route.
const Repository = "https://github.com/cratos-project/cratos"

func (s *Server) root(c *fiber.Ctx) error {
	now := s.opts.Now().UTC()
	var ua any
	if v := c.Get(fiber.HeaderUserAgent); v != "" {
		ua = v
	}
	return c.JSON(fiber.Map{
		"message":    "CRATOS - Cratos v." + Version + " integration for MISP",
		"IP":         s.clientIP(c).String(),
		"User-Agent": ua,
		"timestamp":  now.Unix(),
		"date_time":  now.Format("2006-01-02 15:04:05") + " UTC",
		"repository": Repository,
	})
}

func (s *Server) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString("User-agent: *\nDisallow: /")
}

func (s *Server) favicon(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "image/x-icon")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(templates.Favicon)
}

// metricsHandler serves Prometheus metrics to allow-listed addresses.
func (s *Server) metricsHandler() fiber.Handler {
	if s.opts.Metrics == nil {
		return func(c *fiber.Ctx) error { return detail(c, fiber.StatusNotFound, "Not Found") }
	}
	h := adaptor.HTTPHandler(s.opts.Metrics.Handler())
	return func(c *fiber.Ctx) error {
		if ip := s.clientIP(c); !s.opts.Config.AlwaysAllows(ip) {
			return detail(c, fiber.StatusForbidden, ip.String()+" may not read metrics.")
		}
		return h(c)
	}
}

func (s *Server) redoc(c *fiber.Ctx) error { return c.Redirect("/v1/help", fiber.StatusFound) }

func (s *Server) renderersList(c *fiber.Ctx) error {
	type item struct {
		Name        string       `json:"name"`
		Description string       `json:"description"`
		ContentType string       `json:"content_type"`
		Extension   string       `json:"extension"`
		Types       []string     `json:"types"`
		DataTypes   []string     `json:"data_types"`
		Options     []optionView `json:"options"`
	}
	var out []item
	for _, r := range s.opts.Renderers.All() {
		info := r.Info()
		it := item{Name: info.Name, Description: info.Description, ContentType: info.ContentType, Extension: info.Extension,
			Types: []string{}, DataTypes: []string{}, Options: optionViews(info.Options)}
		for _, t := range info.Types {
			it.Types = append(it.Types, t.String())
		}
		it.DataTypes = append(it.DataTypes, dataTypesFor(info.Types)...)
		out = append(out, it)
	}
	return c.JSON(fiber.Map{"renderers": out})
}

// statusCache keeps the last MISP probe of each site for a few seconds so
// /v1/status cannot be used to hammer MISP.
type statusCache struct {
	mu   sync.Mutex
	at   time.Time
	body map[string]any
}

func (s *Server) status(c *fiber.Ctx) error {
	memStatus := "OK"
	if s.opts.Cache != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
		if err := s.opts.Cache.Ping(ctx); err != nil {
			memStatus = "FAIL"
		}
		cancel()
	}
	if !s.adminStatus(c) {
		// Anyone may ask whether Cratos is up, but not which sites,
		// hosts and builds it has.
		return c.JSON(s.publicStatus(c, memStatus))
	}
	body := fiber.Map{"ping": "pong", "memcachedstatus": memStatus, "cache": s.opts.CacheKind, "version": Version}
	for k, st := range s.proxyStatus() {
		body[k] = st
	}
	body["held"] = s.heldStatus()
	if c.Query("sites") != "0" {
		body["sites"] = s.siteProbes(c.UserContext())
	}
	body["consumers"] = s.consumerStatus()
	body["taxii"] = s.taxiiStatus()
	body["memory"] = s.memoryStatus()
	return c.JSON(body)
}

// memoryStatus lists what each in-process store holds and its budget,
// as cratos_memory_held_bytes and cratos_memory_budget_bytes say.
func (s *Server) memoryStatus() []fiber.Map {
	out := []fiber.Map{}
	if s.opts.Export == nil {
		return out
	}
	for _, u := range s.opts.Export.MemoryHeld() {
		out = append(out, fiber.Map{"store": u.Store, "held_bytes": u.Held, "budget_bytes": u.Budget})
	}
	return out
}

// siteProbes checks each enabled site's MISP with an unauthenticated
// getVersion call: it is up when MISP itself answers (misp.IsVersionAnswer).
func (s *Server) siteProbes(ctx context.Context) map[string]any {
	probes := &s.probes
	probes.mu.Lock()
	defer probes.mu.Unlock()
	if time.Since(probes.at) < 10*time.Second && probes.body != nil {
		return probes.body
	}
	out := map[string]any{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, site := range s.opts.Sites.All() {
		entry := map[string]any{"enabled": site.IsEnabled()}
		probeURL := site.MISPURL
		if st := s.opts.Export.SiteState(site.Name); !st.LastBuild.IsZero() {
			entry["last_build"] = st.LastBuild.UTC().Format(time.RFC3339)
			if probeURL == "" {
				probeURL = st.LastURL
			}
		}
		entry["misp"] = "UNKNOWN"
		mu.Lock()
		out[site.Name] = entry
		mu.Unlock()
		if !site.IsEnabled() || probeURL == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := misp.New(misp.Options{Site: site.Name, BaseURL: probeURL, Timeout: 3 * time.Second, VerifyCert: site.VerifyCert()})
			state := "FAIL"
			if misp.IsVersionAnswer(cl.GetJSON(ctx, "/servers/getVersion.json")) {
				state = "OK"
			}
			mu.Lock()
			entry["misp"] = state
			mu.Unlock()
		}()
	}
	wg.Wait()
	probes.at, probes.body = time.Now(), out
	return out
}

// recoverer turns a panic into a 500 with no detail for the client; the
// stack goes to the log.
func (s *Server) recoverer(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.opts.Logger.Error("panic", "route", c.Route().Path, "panic", r, "stack", string(debug.Stack()))
			err = detail(c, fiber.StatusInternalServerError, "internal error")
		}
	}()
	return c.Next()
}

// securityHeaders are sent with every HTML page.
var securityHeaders = [][2]string{
	{"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
	{"Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "SAMEORIGIN"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Embedder-Policy", "require-corp"},
}

func sendHTML(c *fiber.Ctx, status int, name string, data any) error {
	return sendPage(c, status, templates.Pages, name, data, "")
}

// sendPage renders template name of set with the security headers; csp,
// when not empty, replaces their Content-Security-Policy.
func sendPage(c *fiber.Ctx, status int, set *template.Template, name string, data any, csp string) error {
	var b strings.Builder
	if err := set.ExecuteTemplate(&b, name, data); err != nil {
		return err
	}
	for _, h := range securityHeaders {
		c.Set(h[0], h[1])
	}
	if csp != "" {
		c.Set("Content-Security-Policy", csp)
	}
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).SendString(b.String())
}
