package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
)

// mintAllowed answers for the token endpoints whether the caller may mint;
// on refusal it has answered already.
func (s *Server) mintAllowed(c *fiber.Ctx) (bool, error) {
	ip := s.clientIP(c)
	now := s.opts.Now()
	switch s.opts.Config.TokenMinting {
	case config.MintOff:
		return false, detail(c, fiber.StatusForbidden, "Token minting is disabled on this server.")
	case config.MintAllowlist:
		if !s.opts.Config.AlwaysAllows(ip) {
			return false, detail(c, fiber.StatusForbidden, ip.String()+" may not mint tokens.")
		}
	}
	// Minting is cheap now, but a flood of mints is still abuse. Mints
	// have their own count, so they never lock out the address's valid
	// tokens.
	key := acl.RateKey(ip)
	if s.mints.blocked(key, now) {
		c.Set(fiber.HeaderRetryAfter, retrySeconds(s.mints.retryAfter(now)))
		return false, detail(c, fiber.StatusTooManyRequests, "Too many requests; try again later.")
	}
	s.mints.fail(key, now)
	return true, nil
}

// mintForm is the token form's and the JSON endpoint's input.
type mintForm struct {
	Proto, Domain, Port, Auth, Expire string
}

func (f mintForm) claims() (auth.Claims, error) {
	port, err := strconv.Atoi(strings.TrimSpace(f.Port))
	if err != nil {
		return auth.Claims{}, &auth.ClaimsError{Field: "port", Reason: "must be a number from 1 to 65535"}
	}
	return auth.Claims{Proto: f.Proto, Port: port, Host: strings.TrimSpace(f.Domain), Key: f.Auth, Expires: f.Expire}, nil
}

func (s *Server) mint(f mintForm) (string, auth.Claims, error) {
	cl, err := f.claims()
	if err != nil {
		return "", cl, err
	}
	if err := cl.Validate(); err != nil {
		return "", cl, err
	}
	// The token carries an IPv6 host without brackets: that names the site.
	host := strings.TrimSuffix(strings.TrimPrefix(cl.Host, "["), "]")
	if site, ok := s.opts.Sites.Get(host); ok && site.TokenTooLong(cl.Expires, s.opts.Now()) {
		return "", cl, &auth.ClaimsError{Field: "expire", Reason: fmt.Sprintf("more than %d days ahead (token_max_days of the site)", site.TokenMaxDays)}
	}
	tok, err := s.opts.Codec.Mint(cl)
	return tok, cl, err
}

func mintReason(err error) string {
	var ce *auth.ClaimsError
	if errors.As(err, &ce) {
		return ce.Error()
	}
	return "invalid token fields"
}

func (s *Server) tokenFormGet(c *fiber.Ctx) error {
	return sendHTML(c, fiber.StatusOK, "token_form.html", map[string]any{"Proto": "https", "Port": "443", "Expire": s.opts.Now().AddDate(1, 0, 0).Format("2006-01-02")})
}

func (s *Server) tokenFormPost(c *fiber.Ctx) error {
	f := mintForm{Proto: c.FormValue("proto"), Domain: c.FormValue("domain"), Port: c.FormValue("port"), Auth: c.FormValue("auth"), Expire: c.FormValue("expire")}
	var v validation
	for _, fld := range []struct{ name, val string }{{"proto", f.Proto}, {"domain", f.Domain}, {"port", f.Port}, {"auth", f.Auth}, {"expire", f.Expire}} {
		if fld.val == "" {
			v.add("body", fld.name, "missing", "Field required", nil)
		}
	}
	if len(v) > 0 {
		return v.respond(c)
	}
	if ok, err := s.mintAllowed(c); !ok {
		return err
	}
	data := map[string]any{"Proto": f.Proto, "Domain": f.Domain, "Port": f.Port, "Expire": f.Expire}
	tok, _, err := s.mint(f)
	if err != nil {
		data["Error"] = "Invalid token fields: " + mintReason(err)
		return sendHTML(c, fiber.StatusUnprocessableEntity, "token_form.html", data)
	}
	data["Token"] = tok
	return sendHTML(c, fiber.StatusOK, "token_form.html", data)
}

func (s *Server) tokenJSON(c *fiber.Ctx) error {
	// Every field has the original's default, so {} mints for the sample
	// site (with an expiry already past, as there).
	in := map[string]json.RawMessage{}
	if body := c.Body(); len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			var v validation
			v.add("body", "body", "json_invalid", "JSON decode error", nil)
			return v.respond(c)
		}
	}
	f := mintForm{Proto: "https", Domain: "misp.example.net", Port: "443", Auth: "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD", Expire: "2023-12-31"}
	var v validation
	for name, dst := range map[string]*string{"proto": &f.Proto, "domain": &f.Domain, "port": &f.Port, "auth": &f.Auth, "expire": &f.Expire} {
		raw, ok := in[name]
		if !ok {
			continue
		}
		var str string
		var num json.Number
		switch {
		case json.Unmarshal(raw, &str) == nil:
			*dst = str
		case name == "port" && json.Unmarshal(raw, &num) == nil:
			*dst = num.String()
		default:
			v.add("body", name, "string_type", "Input should be a valid string", string(raw))
		}
	}
	if len(v) > 0 {
		return v.respond(c)
	}
	if ok, err := s.mintAllowed(c); !ok {
		return err
	}
	tok, cl, err := s.mint(f)
	if err != nil {
		return detail(c, fiber.StatusUnprocessableEntity, "Invalid token fields: "+mintReason(err))
	}
	return c.JSON(fiber.Map{"MISP": cl.BaseURL() + "/", "validity": cl.Expires, "token": tok})
}
