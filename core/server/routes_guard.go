package server

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/export"
)

// setHeld marks an answer that carries the last good list because the
// circuit breaker held the rebuilt one.
func setHeld(resp *fasthttp.ResponseHeader, h *export.Hold) {
	clean := strings.NewReplacer("\r", " ", "\n", " ", `"`, "'")
	resp.Set("X-Cratos-Held", "id="+h.ID+"; since="+h.Since.UTC().Format(time.RFC3339)+"; reason="+clean.Replace(h.Reason))
}

// holdsHandler lists the held lists of the token's site that were built
// with the token's MISP key, and the held TAXII refreshes of its MISP
// user's histories when the user of the key is known (MISP is not asked
// here): tokens of different MISP keys or users never share what they
// see. An admin token sees every one of its site, as it may release them.
func (s *Server) holdsHandler(c *fiber.Ctx) error {
	cl := callerOf(c)
	holds := currentHolds(s.opts.Export, s.opts.Sites, cl.site.Name)
	if !s.isAdmin(cl.fingerprint) {
		own := s.opts.Export.Identity(export.Request{Site: cl.site, MISPURL: cl.baseURL, MISPKey: cl.claims.Key})
		user, known := s.opts.TAXII.KnownOwner(own)
		holds = slices.DeleteFunc(holds, func(h export.Hold) bool { return h.Identity != own && (!known || h.Identity != user) })
	}
	if holds == nil {
		holds = []export.Hold{}
	}
	return c.JSON(fiber.Map{"site": cl.site.Name, "held": holds})
}

// releaseHandler lets the held lists of the token's site (or the one named
// by ?id=) replace their last good lists; only admin tokens may.
func (s *Server) releaseHandler(c *fiber.Ctx) error {
	cl := callerOf(c)
	if !s.isAdmin(cl.fingerprint) {
		return detail(c, fiber.StatusForbidden, "This token may not release held lists.")
	}
	// A browser that keeps Basic credentials sends them with another
	// site's form too: such a request releases nothing (sameOrigin).
	if !sameOrigin(c) {
		return detail(c, fiber.StatusForbidden, "This request was sent from another site's page.")
	}
	id := c.Query("id")
	if id != "" && (len(id) != 12 || strings.Trim(id, "0123456789abcdef") != "") {
		return detail(c, fiber.StatusUnprocessableEntity, "id: want the 12 hex digits of a hold (see GET /v1/holds)")
	}
	released, err := s.opts.Export.Release(c.UserContext(), cl.site.Name, id)
	if errors.Is(err, export.ErrNoHold) {
		return detail(c, fiber.StatusNotFound, "No held list matches.")
	}
	if err != nil {
		s.opts.Logger.Warn("release held lists", "site", cl.site.Name, "error", err)
	}
	s.opts.Logger.Warn("held lists released by an admin token", "site", cl.site.Name, "count", len(released), "fingerprint", cl.fingerprint[:12])
	return c.JSON(fiber.Map{"ok": true, "released": released})
}

// heldStatus is /v1/status's "held" entry: every held list, without
// the reason text's details beyond what the header carries.
func (s *Server) heldStatus() []export.Hold {
	h := currentHolds(s.opts.Export, s.opts.Sites, "")
	if h == nil {
		return []export.Hold{}
	}
	return h
}

// maxLookupValue bounds the value a lookup takes.
const maxLookupValue = 2048

// lookupHandler explains one value for the token's site: its canonical
// form, which lists carry it or which guard rule keeps it out, and the
// MISP attributes it comes from.
func (s *Server) lookupHandler(c *fiber.Ctx) error {
	cl := callerOf(c)
	value := c.Query("value")
	if strings.TrimSpace(value) == "" || len(value) > maxLookupValue {
		return detail(c, fiber.StatusUnprocessableEntity, "value: want an indicator of 1 to 2048 bytes")
	}
	var res *export.LookupResult
	var err error
	for asked := 1; ; asked++ {
		res, err = s.opts.Export.Lookup(c.UserContext(), export.LookupRequest{
			Site: cl.site, MISPURL: cl.claims.BaseURL(), MISPKey: cl.claims.Key,
			Value: value, Age: c.Query("age"), DataType: s.opts.Config.DataType, Consumer: cl.fingerprint,
		})
		// A reload while MISP was read: the caller is checked again, and
		// an answer made with the previous version of its site (its
		// feeds, guard) is made once more.
		changed, status, msg := s.reauthorize(c, cl)
		if status != 0 {
			return detail(c, status, msg)
		}
		if !changed || asked == 2 {
			break
		}
	}
	if errors.Is(err, export.ErrLookupValue) {
		return detail(c, fiber.StatusUnprocessableEntity, "value: "+export.ErrLookupValue.Error())
	}
	if err != nil {
		status, msg := upstream(err)
		setRetryAfter(c, err)
		return detail(c, status, msg)
	}
	return c.JSON(res)
}
