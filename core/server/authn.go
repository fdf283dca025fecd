package server

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
)

// caller is an authenticated request's identity.
type caller struct {
	token       string
	fingerprint string // auth.Fingerprint(token)
	claims      auth.Claims
	baseURL     string // claims.BaseURL()
	site        *config.Site
	ip          netip.Addr
	// generation is the sites' generation (config.Sites.Generation) read
	// before the caller was authorized: see reauthorize.
	generation uint64
	// served is filled in by a list route for the access log.
	served servedList
	ua     string // see userAgent
	uaRead bool
}

// consumerID is a short, stable hash of the token for logs.
func (c *caller) consumerID() string { return c.fingerprint[:16] }

// refusal answers a refused authentication with its status and detail.
type refusal func(c *fiber.Ctx, status int, msg string) error

// basicChallenge is the WWW-Authenticate of a TAXII route's 401. HTTP
// clients that send Basic credentials only when challenged (Python's
// HTTPBasicAuthHandler, Java's Authenticator, .NET's CredentialCache)
// need the realm: without one they give up.
const basicChallenge = `Basic realm="cratos"`

// requireCaller is the middleware of every route marked auth: it checks
// the token, the site and the client address in the original's order and
// runs next with the caller stored (see callerOf), before next validates
// any parameter. A refusal is answered by refuse, {"detail": msg} when
// nil, with WWW-Authenticate on a 401. Only failures count against the
// client's address (its /64 for IPv6), and an address past the limit is
// refused only for failing requests: a valid token is served whatever
// others behind the same address did. On a list route (checksum), a query
// token ending in ".md5" asks for the list's checksum (checksumToken). On
// a route that challenges (the TAXII routes), a request with no token at
// all is a 401 with basicChallenge, never counted nor refused as past the
// limit: it is a client asking how to authenticate.
func (s *Server) requireCaller(refuse refusal, checksum, challenge bool, next fiber.Handler) fiber.Handler {
	if refuse == nil {
		refuse = detail
	}
	scheme := "Basic"
	if challenge {
		scheme = basicChallenge
	}
	return func(c *fiber.Ctx) error {
		query := c.Query("token")
		if checksum {
			query = checksumToken(c, query)
		}
		cl, status, msg := s.identifyWith(c, query, challenge)
		if cl == nil {
			if status == fiber.StatusUnauthorized {
				c.Set(fiber.HeaderWWWAuthenticate, scheme)
			}
			return refuse(c, status, msg)
		}
		return next(c)
	}
}

// checksumToken returns query, the token parameter of a list URL, without
// a ".md5" suffix, and marks the request as one for the list's checksum
// when it had one. suricata-update asks for the checksum of a source at
// its whole URL with ".md5" appended: .../suricata.tar.gz?token=T.md5 for
// a token in the query. A token (Fernet, base64url) never holds a '.'.
func checksumToken(c *fiber.Ctx, query string) string {
	token, ok := strings.CutSuffix(query, ".md5")
	if ok {
		c.Locals("checksum", true)
	}
	return token
}

// identify is requireCaller without the answer: the caller, or the status
// and detail a refusal gets. A refusal counts as a failed authentication.
func (s *Server) identify(c *fiber.Ctx) (*caller, int, string) {
	return s.identifyWith(c, c.Query("token"), false)
}

// identifyWith is identify with query as the token query parameter. With
// challenge, no token at all is a 401 that does not count.
func (s *Server) identifyWith(c *fiber.Ctx, query string, challenge bool) (*caller, int, string) {
	now := s.opts.Now()
	ip := s.clientIP(c)
	key := acl.RateKey(ip)
	// reason goes to the access log (never the token): why the request was
	// refused, in the operator's words rather than the client's. Only
	// failures count, and only failures are refused once past the limit.
	fail := func(status int, msg, reason string) (*caller, int, string) {
		if s.limiter.blocked(key, now) {
			setReason(c, "too many failed authentications")
			c.Set(fiber.HeaderRetryAfter, retrySeconds(s.limiter.retryAfter(now)))
			return nil, fiber.StatusTooManyRequests, "Too many failed authentications; try again later."
		}
		setReason(c, reason)
		s.limiter.fail(key, now)
		return nil, status, msg
	}
	token, err := auth.Extract(query, c.Get("token"), c.Get(fiber.HeaderAuthorization))
	if err != nil {
		msg, _ := auth.Detail(err)
		if errors.Is(err, auth.ErrBasic) {
			return fail(fiber.StatusUnauthorized, msg, "malformed Basic credentials")
		}
		if challenge {
			setReason(c, "no token: challenged")
			return nil, fiber.StatusUnauthorized, msg
		}
		return fail(fiber.StatusForbidden, msg, "no token")
	}
	cl := new(caller)
	gen := s.opts.Sites.Generation()
	if status, msg, reason := s.authorize(cl, ip, token, now); status != 0 {
		return fail(status, msg, reason)
	}
	cl.generation = gen
	c.Locals(keyCaller, cl)
	return cl, 0, ""
}

// authorize checks token, sent from ip, at now: its MAC and lifetime, its
// site, whether it is revoked, the site's limits and allow-list, in the
// original's order. It fills in cl, or returns the status and detail of
// the refusal and its reason for the access log.
func (s *Server) authorize(cl *caller, ip netip.Addr, token string, now time.Time) (status int, msg, reason string) {
	v, err := s.opts.Codec.VerifyToken(token, now)
	claims, fp := v.Claims, v.Fingerprint
	if err != nil {
		msg, ok := auth.Detail(err)
		if !ok {
			msg = "Unknown error in CheckApiToken"
		}
		return fiber.StatusForbidden, msg, "token not valid: " + msg
	}
	site, ok := s.opts.Sites.Get(claims.Host)
	if !ok {
		return fiber.StatusForbidden, "Token config file not found", "unknown site " + claims.Host + " (no sites/" + claims.Host + ".yaml)"
	}
	if site.IsRevoked(fp) {
		return fiber.StatusForbidden, "The provided API token is blacklisted and cannot be used.", "token revoked in site " + site.Name + " (consumer " + fp[:16] + ")"
	}
	if site.TokenTooLong(claims.Expires, now) {
		return fiber.StatusForbidden, fmt.Sprintf("The token expires more than %d days ahead (token_max_days of this site).", site.TokenMaxDays), "token lifetime over token_max_days of site " + site.Name
	}
	if !site.IsEnabled() {
		return fiber.StatusForbidden, "site disabled", "site " + site.Name + " disabled"
	}
	if !s.allowed(ip, site) {
		return fiber.StatusForbidden, ip.String() + " are not allowed to access the MISP instance.", "address " + ip.String() + " not allowed for site " + site.Name
	}
	*cl = caller{token: token, fingerprint: fp, claims: claims, baseURL: v.BaseURL, site: site, ip: ip}
	return 0, "", ""
}

// reauthorize checks cl again after a wait (a build joined, a build slot,
// MISP), before anything read for it is answered: when sites were
// reloaded since cl was authorized, its token, site and address are
// checked against the sites loaded now, so that a request waiting when a
// reload revokes its token, narrows allowed_ips or removes its site gets
// the refusal a request after the reload gets. Without a reload it is one
// compare. It updates cl to the site loaded now and reports whether that
// is another version of the site (the request's answer was made with the
// previous one), or returns the refusal's status and detail.
func (s *Server) reauthorize(c *fiber.Ctx, cl *caller) (siteChanged bool, status int, msg string) {
	gen := s.opts.Sites.Generation()
	if gen == cl.generation {
		return false, 0, ""
	}
	var now caller
	status, msg, reason := s.authorize(&now, cl.ip, cl.token, s.opts.Now())
	if status != 0 {
		setReason(c, reason+" (reloaded while the request waited)")
		return false, status, msg
	}
	siteChanged = now.site != cl.site
	cl.claims, cl.baseURL, cl.site, cl.generation = now.claims, now.baseURL, now.site, gen
	return siteChanged, 0, ""
}

// allowed reports whether client may read site: it must be inside
// allways_allowed_ips or the site's allowed_ips (acl.Allowed, through the
// tables built when the files were read).
func (s *Server) allowed(client netip.Addr, site *config.Site) bool {
	return client.IsValid() && (s.opts.Config.AlwaysAllows(client) || site.Allows(client))
}
