package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/consumers"
	"github.com/cratos-project/cratos/core/export"
)

// notePull records a list request of an authenticated consumer once its
// answer is written: what it asked for, what it got and from where, and
// when it was answered (now; the zero time reads the clock).
func (s *Server) notePull(c *fiber.Ctx, cl *caller, res *export.Result, now time.Time) {
	if now.IsZero() {
		now = s.opts.Now()
	}
	status := c.Response().StatusCode()
	bytes := len(c.Response().Body())
	if status == fiber.StatusNotModified || c.Method() == fiber.MethodHead {
		bytes = 0
	}
	p := consumers.Pull{
		Site:        cl.site.Name,
		Fingerprint: cl.fingerprint,
		Time:        now,
		List:        c.Path(),
		Status:      status,
		Bytes:       bytes,
		ETag:        sentETag(c, res),
		UserAgent:   cl.userAgent(c),
		Addr:        addrString(cl.ip),
		Entries:     -1,
	}
	if res != nil && res.Artifact != nil {
		p.Entries, p.Size, p.Built, p.Cache = res.Entries, len(res.Body), res.Generated, string(res.Status)
	}
	s.opts.Consumers.Record(p)
}

// sentETag returns the ETag header of the answer, without a copy when it
// is the served artifact's own.
func sentETag(c *fiber.Ctx, res *export.Result) string {
	h := c.Response().Header.Peek(fiber.HeaderETag)
	if res != nil && res.Artifact != nil && string(h) == res.ETag {
		return res.ETag
	}
	return string(h)
}
