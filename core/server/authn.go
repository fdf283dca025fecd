package server

import (
	"errors"
	"fmt"
	"net/netip"

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
	site        *config.Site
	ip          netip.Addr
}

// consumerID is a short, stable hash of the token for logs.
func (c *caller) consumerID() string { return c.fingerprint[:16] }

// authenticate checks the token, the site and the client address in the
// original's order. On failure it has already answered and returns nil.
// Only failures count against the client's address (its /64 for IPv6),
// and an address past the limit is refused only for failing requests: a
// valid token is served whatever others behind the same address did.
func (s *Server) authenticate(c *fiber.Ctx) (*caller, error) {
	now := s.opts.Now()
	ip := s.clientIP(c)
	key := acl.RateKey(ip)
	fail := func(status int, msg string) (*caller, error) {
		if s.limiter.blocked(key, now) {
			return nil, detail(c, fiber.StatusTooManyRequests, "Too many failed authentications; try again later.")
		}
		s.limiter.fail(key, now)
		if status == fiber.StatusUnauthorized {
			c.Set(fiber.HeaderWWWAuthenticate, "Basic")
		}
		return nil, detail(c, status, msg)
	}
	token, err := auth.Extract(c.Query("token"), c.Get("token"), c.Get(fiber.HeaderAuthorization))
	if err != nil {
		msg, _ := auth.Detail(err)
		if errors.Is(err, auth.ErrBasic) {
			return fail(fiber.StatusUnauthorized, msg)
		}
		return fail(fiber.StatusForbidden, msg)
	}
	claims, fp, err := s.opts.Codec.VerifyFingerprint(token, now)
	if err != nil {
		msg, ok := auth.Detail(err)
		if !ok {
			msg = "Unknown error in CheckApiToken"
		}
		return fail(fiber.StatusForbidden, msg)
	}
	site, ok := s.opts.Sites.Get(claims.Host)
	if !ok {
		return fail(fiber.StatusForbidden, "Token config file not found")
	}
	if site.IsRevoked(fp) {
		return fail(fiber.StatusForbidden, "The provided API token is blacklisted and cannot be used.")
	}
	if site.TokenTooLong(claims.Expires, now) {
		return fail(fiber.StatusForbidden, fmt.Sprintf("The token expires more than %d days ahead (token_max_days of this site).", site.TokenMaxDays))
	}
	if !site.IsEnabled() {
		return fail(fiber.StatusForbidden, "site disabled")
	}
	if !acl.Allowed(ip, s.opts.Config.AlwaysAllowedIPs, site.AllowedIPs) {
		return fail(fiber.StatusForbidden, ip.String()+" are not allowed to access the MISP instance.")
	}
	cl := &caller{token: token, fingerprint: fp, claims: claims, site: site, ip: ip}
	c.Locals("caller", cl)
	return cl, nil
}
