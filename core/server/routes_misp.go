package server

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/mispview"
)

var warninglistOutputs = mispview.WarninglistOutputs

// mispSource is the MISP instance of the caller's token.
func mispSource(cl *caller) mispview.Source {
	return mispview.Source{Site: cl.site, BaseURL: cl.claims.BaseURL(), Key: cl.claims.Key, UserAgent: "Cratos/" + Version}
}

// sendPassthrough sends a MISP passthrough answer, or its failure: an
// unusable MISP answer is a 502, MISP's own faults as upstream maps them.
// Values the answer leaves out are named in X-Cratos-Dropped.
func sendPassthrough(c *fiber.Ctx, a mispview.Answer, err error) error {
	var ae *mispview.AnswerError
	switch {
	case errors.As(err, &ae):
		return detail(c, fiber.StatusBadGateway, ae.Error())
	case err != nil:
		status, msg := upstream(err)
		return detail(c, status, msg)
	}
	if a.Dropped != "" {
		c.Set("X-Cratos-Dropped", a.Dropped)
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	setInertHeaders(&c.Response().Header)
	return c.Send(a.Body)
}

// sendAfterMISP is sendPassthrough for cl once MISP answered: a reload
// while MISP was read may have revoked the token, narrowed allowed_ips
// or removed the site, and then nothing of the answer goes out.
func (s *Server) sendAfterMISP(c *fiber.Ctx, cl *caller, a mispview.Answer, err error) error {
	if _, status, msg := s.reauthorize(c, cl); status != 0 {
		return detail(c, status, msg)
	}
	return sendPassthrough(c, a, err)
}

func (s *Server) check(c *fiber.Ctx) error {
	cl := callerOf(c)
	a, err := mispview.Check(c.UserContext(), mispSource(cl), s.opts.Now())
	return s.sendAfterMISP(c, cl, a, err)
}

func (s *Server) statistics(c *fiber.Ctx) error {
	cl := callerOf(c)
	a, err := mispview.Statistics(c.UserContext(), mispSource(cl))
	return s.sendAfterMISP(c, cl, a, err)
}

func (s *Server) feedMapping(c *fiber.Ctx) error {
	cl := callerOf(c)
	var b strings.Builder
	for _, line := range export.FeedMapping(cl.site) {
		b.WriteString(line + "\r\n")
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(b.String())
}

func (s *Server) warninglist(c *fiber.Ctx) error {
	cl := callerOf(c)
	var v validation
	idStr := c.Params("warninglistId")
	id, perr := strconv.Atoi(idStr)
	switch {
	case perr != nil:
		v.add("path", "warninglistId", "int_parsing", "Input should be a valid integer, unable to parse string as an integer", idStr)
	case id < 0:
		v.add("path", "warninglistId", "greater_than_equal", "Input should be greater than or equal to 0", idStr)
	case id > 1000:
		v.add("path", "warninglistId", "less_than_equal", "Input should be less than or equal to 1000", idStr)
	}
	out := c.Params("returnedDataType")
	if !slices.Contains(warninglistOutputs, out) {
		v.enum("path", "returnedDataType", out, warninglistOutputs)
	}
	if len(v) > 0 {
		return v.respond(c)
	}
	a, err := mispview.Warninglist(c.UserContext(), mispSource(cl), id, out)
	return s.sendAfterMISP(c, cl, a, err)
}
