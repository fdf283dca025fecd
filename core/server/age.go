package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/export"
)

// setAge sends Age: the seconds since MISP was read for the list served
// (RFC 9111 section 5.1), when that time is known.
func (s *Server) setAge(c *fiber.Ctx, res export.Result) {
	if res.Artifact == nil || res.Fetched.IsZero() {
		return
	}
	age := int64(s.opts.Now().Sub(res.Fetched).Seconds())
	if age < 0 {
		age = 0
	}
	setIntHeader(c, headerAge, "", age)
}
