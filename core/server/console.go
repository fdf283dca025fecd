package server

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/templates"
)

// The console at /ui/: server-rendered pages for admin tokens only. A
// token opens a session (in the URL once, as on every route, or through
// the login form); the session lives in a Secure, HttpOnly, SameSite=Strict
// cookie holding a random id, and every form is a POST carrying the
// session's CSRF token.

// consoleCSP allows the console's own stylesheet and nothing else: no
// script at all, no inline style, forms to this origin only.
const consoleCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func (s *Server) consoleRoutes() {
	s.app.Get("/ui/console.css", s.consoleCSS)
	s.app.Get("/ui/", s.console(s.pageOverview))
	s.app.Get("/ui", func(c *fiber.Ctx) error { return c.Redirect("/ui/", fiber.StatusTemporaryRedirect) })
	s.app.Get("/ui/consumers", s.console(s.pageConsumers))
	s.app.Get("/ui/zones", s.console(s.pageZones))
	s.app.Get("/ui/renderers", s.console(s.pageRenderers))
	s.app.Get("/ui/renderers/:name", s.console(s.pageRenderer))
	s.app.Post("/ui/login", s.consoleLogin)
	s.app.Post("/ui/logout", s.consoleForm(s.consoleLogout))
	s.app.Post("/ui/lookup", s.consoleForm(s.pageLookup))
	s.app.Post("/ui/holds/release", s.consoleForm(s.releaseHold))
}

// isAdmin reports whether a token fingerprint is listed in admin_tokens.
func (s *Server) isAdmin(fingerprint string) bool {
	return slices.Contains(*s.admins.Load(), fingerprint)
}

// SetAdminTokens replaces the fingerprints of admin_tokens, as a reload
// of config.yaml reads them: a token taken out can no longer flush the
// cache or release holds, and its console sessions end at their next
// request.
func (s *Server) SetAdminTokens(fingerprints []string) {
	fps := slices.Clone(fingerprints)
	s.admins.Store(&fps)
}

func (s *Server) consoleCSS(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	return c.Send(templates.ConsoleCSS)
}

// hasToken reports whether the request carries a token in any of the
// places authentication reads one from.
func hasToken(c *fiber.Ctx) bool {
	return c.Query("token") != "" || c.Get("token") != "" || c.Get(fiber.HeaderAuthorization) != ""
}

// console wraps a page: a request with a token logs in and is redirected
// to the same page without it; one with a live session gets the page; any
// other gets the login form.
func (s *Server) console(page func(*fiber.Ctx, *session) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// A token in the URL always logs in. One in a header only
		// without a session: a browser that has used Basic auth on the
		// API sends it with every request.
		sess := s.consoleSession(c)
		if c.Query("token") != "" || sess == nil && hasToken(c) {
			return s.tokenLogin(c, consolePath(c.Path()))
		}
		if sess == nil {
			if msg, ok := s.takeNotice(c); ok {
				return sendConsole(c, fiber.StatusOK, "login.html", loginData{pageData: pageData{Title: "Log in", Version: Version},
					Message: msg, Refused: true})
			}
			return s.loginPage(c, fiber.StatusOK, "")
		}
		if msg, ok := s.takeNotice(c); ok {
			s.sessions.setFlash(sess, msg)
		}
		return page(c, sess)
	}
}

// consolePath is where a login redirects: the page asked for, without
// its query (which held the token).
func consolePath(p string) string {
	if p == "/ui" || !strings.HasPrefix(p, "/ui/") || strings.HasPrefix(p, "/ui/login") {
		return "/ui/"
	}
	return (&url.URL{Path: p}).EscapedPath()
}

// tokenLogin checks the request's token as every route does, requires an
// admin token, opens a session and redirects to next. A refusal of a
// token in the URL redirects too (refuseLogin).
func (s *Server) tokenLogin(c *fiber.Ctx, next string) error {
	cl, status, msg := s.identify(c)
	if cl == nil {
		return s.refuseLogin(c, status, msg)
	}
	if !s.isAdmin(cl.fingerprint) {
		s.limiter.fail(acl.RateKey(cl.ip), s.opts.Now())
		return s.refuseLogin(c, fiber.StatusForbidden, "This token is not an admin token (admin_tokens).")
	}
	if old := c.Cookies(sessionCookie); old != "" {
		s.sessions.drop(old)
	}
	now := s.opts.Now()
	var tokenEnd time.Time
	if d, err := time.ParseInLocation(time.DateOnly, cl.claims.Expires, time.Local); err == nil {
		tokenEnd = d
	}
	name := "admin " + cl.consumerID()[:8]
	if cons, ok := cl.site.ConsumerName(cl.fingerprint); ok {
		name = cons.Name
	}
	sess := s.sessions.create(cl.fingerprint, cl.site.Name, name, now, tokenEnd)
	sess.mispURL, sess.mispKey, sess.tokenExpires = cl.claims.BaseURL(), cl.claims.Key, cl.claims.Expires
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: sess.id, Path: "/ui", Secure: true, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, MaxAge: int(sess.expires.Sub(now).Seconds())})
	s.opts.Logger.Info("console login", "site", cl.site.Name, "consumer", cl.consumerID(), "ip", cl.ip.String())
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		// A navigation another site's page started, redirects included,
		// carries no SameSite=Strict cookie: next is reached by a
		// navigation of this page instead, which carries the session.
		err := sendConsole(c, fiber.StatusOK, "continue.html", pageData{Title: "Log in", Version: Version, Next: next})
		c.Set("Referrer-Policy", "no-referrer") // the address holds the token
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(next, fiber.StatusSeeOther)
}

// consoleSession returns the request's live session whose token is still
// an admin token of a site that would accept it now, or nil.
func (s *Server) consoleSession(c *fiber.Ctx) *session {
	id := c.Cookies(sessionCookie)
	now := s.opts.Now()
	sess := s.sessions.get(id, now)
	if sess == nil {
		return nil
	}
	site, ok := s.opts.Sites.Get(sess.site)
	if !ok || !s.isAdmin(sess.fingerprint) || site.IsRevoked(sess.fingerprint) || site.TokenTooLong(sess.tokenExpires, now) || !site.IsEnabled() ||
		!s.allowed(s.clientIP(c), site) {
		s.sessions.drop(id)
		return nil
	}
	return sess
}

// sameOrigin refuses a POST another site's page made. Browsers send
// Sec-Fetch-Site with every form submission, and Origin (which a
// no-referrer policy turns into "null"); without either, the request is
// not a browser's and the CSRF token alone decides.
func sameOrigin(c *fiber.Ctx) bool {
	if site := c.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin" || site == "none"
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	// Host names only: a proxy may pass Host without the port the
	// browser used.
	u, err := url.Parse(origin)
	host := string(c.Request().Host())
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return err == nil && u.Host != "" && strings.EqualFold(strings.Trim(u.Hostname(), "[]"), strings.Trim(host, "[]"))
}

// consoleLogin is the login form's POST: the token comes in the body, so
// it never appears in a URL.
func (s *Server) consoleLogin(c *fiber.Ctx) error {
	if !sameOrigin(c) {
		return s.loginPage(c, fiber.StatusForbidden, "This form was sent from another site.")
	}
	token := strings.TrimSpace(c.FormValue("token"))
	if token == "" {
		return s.loginPage(c, fiber.StatusForbidden, "Enter an admin token.")
	}
	// Authenticate exactly as the API does, with the token from the form.
	c.Request().URI().QueryArgs().Del("token")
	c.Request().Header.Del(fiber.HeaderAuthorization)
	c.Request().Header.Set("token", token)
	return s.tokenLogin(c, "/ui/")
}

// consoleForm wraps a POST handler: same origin, a live session and that
// session's CSRF token.
func (s *Server) consoleForm(h func(*fiber.Ctx, *session) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !sameOrigin(c) {
			return s.loginPage(c, fiber.StatusForbidden, "This form was sent from another site.")
		}
		sess := s.consoleSession(c)
		if sess == nil {
			return s.loginPage(c, fiber.StatusForbidden, "Your session has ended; log in again.")
		}
		if !sess.checkCSRF(c.FormValue("csrf")) {
			return s.loginPage(c, fiber.StatusForbidden, "This form has expired; reload the page and try again.")
		}
		return h(c, sess)
	}
}

func (s *Server) consoleLogout(c *fiber.Ctx, sess *session) error {
	s.sessions.drop(sess.id)
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/ui", Secure: true, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, MaxAge: -1, Expires: time.Unix(1, 0)})
	return s.loginPage(c, fiber.StatusOK, "You are logged out.")
}

// sendConsole renders a console page with the security headers and the
// console's stricter CSP.
func sendConsole(c *fiber.Ctx, status int, name string, data any) error {
	return sendPage(c, status, templates.Console, name, data, consoleCSP)
}

type loginData struct {
	pageData
	Message string
	Refused bool
}

func (s *Server) loginPage(c *fiber.Ctx, status int, msg string) error {
	if status == fiber.StatusUnauthorized {
		// Malformed Basic credentials: no WWW-Authenticate, the form is the way in.
		status = fiber.StatusForbidden
	}
	return sendConsole(c, status, "login.html", loginData{pageData: pageData{Title: "Log in", Version: Version},
		Message: msg, Refused: status >= 400})
}
