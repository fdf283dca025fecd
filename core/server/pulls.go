package server

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/consumers"
	"github.com/cratos-project/cratos/core/export"
)

// notePull records a list request of an authenticated consumer once its
// answer is written: what it asked for, what it got and from where, and
// when it was answered (now; the zero time reads the clock). list is the
// request's path as the access log writes it (redactPath), and the user
// agent is kept as the access log writes it too: without a token.
func (s *Server) notePull(ctx *fasthttp.RequestCtx, list string, cl *caller, res *export.Result, now time.Time) {
	if now.IsZero() {
		now = s.opts.Now()
	}
	status := ctx.Response.StatusCode()
	bytes := len(ctx.Response.Body())
	if status == fiber.StatusNotModified || ctx.IsHead() {
		bytes = 0
	}
	p := consumers.Pull{
		Site:        cl.site.Name,
		Fingerprint: cl.fingerprint,
		Time:        now,
		List:        list,
		Status:      status,
		Bytes:       bytes,
		ETag:        sentETag(&ctx.Response.Header, res),
		UserAgent:   redactValue(cl.userAgent(&ctx.Request.Header), cl.token), // as the access log has it
		Addr:        addrString(cl.ip),
		Entries:     -1,
	}
	if res != nil && res.Artifact != nil {
		p.Entries, p.Size, p.Built, p.Cache = res.Entries, len(res.Body), res.Generated, string(res.Status)
	}
	s.opts.Consumers.Record(p)
}

// sentETag returns the ETag header of the answer, without a copy when it
// is one of the served artifact's own (its identity or gzip form's).
func sentETag(resp *fasthttp.ResponseHeader, res *export.Result) string {
	h := resp.Peek(fiber.HeaderETag)
	if res != nil && res.Artifact != nil {
		if string(h) == res.ETag {
			return res.ETag
		}
		if gz := res.Headers().GzipETag; string(h) == gz {
			return gz
		}
	}
	return string(h)
}
