package server

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// accessLog writes one JSON line per request: who (address, site, a hash
// of the token), what (method, route, path without the token), and the
// outcome. Tokens, MISP keys and Authorization headers never reach it.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if s.opts.AccessLog == nil && s.opts.Metrics == nil {
		return err
	}
	if err != nil {
		// Let the error handler write the answer first so its status is
		// what gets logged.
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			return herr
		}
		err = nil
	}
	if s.opts.Metrics != nil {
		output, _ := c.Locals("output").(string)
		s.opts.Metrics.Request(c.Route().Path, c.Response().StatusCode(), output, time.Since(start))
	}
	if s.opts.AccessLog == nil {
		return nil
	}
	l := linePool.Get().(*jsonLine)
	defer linePool.Put(l)
	l.start(time.Now(), "request")
	l.str("ip", s.clientIP(c).String())
	l.str("method", c.Method())
	token := ""
	if cl := callerOf(c); cl != nil {
		token = cl.token
	}
	l.str("path", redactRequest(c.Path(), string(c.Request().URI().QueryString()), token))
	l.str("route", c.Route().Path)
	status := c.Response().StatusCode()
	l.int("status", status)
	bytes := len(c.Response().Body())
	if status == fiber.StatusNotModified || c.Method() == fiber.MethodHead {
		bytes = 0 // no body goes out
	}
	l.int("bytes", bytes)
	l.float("ms", float64(time.Since(start).Microseconds())/1000)
	l.str("ua", redactValue(c.Get(fiber.HeaderUserAgent), token))
	if cl := callerOf(c); cl != nil {
		l.str("site", cl.site.Name)
		l.str("consumer", cl.consumerID())
	}
	if v, ok := reasonOf(c); ok {
		l.str("reason", v)
	}
	if v, ok := c.Locals("cache").(string); ok {
		l.str("cache", v)
	}
	if v, ok := c.Locals("entries").(int); ok {
		l.int("entries", v)
	}
	_, _ = s.opts.AccessLog.Write(l.end())
	return err
}

// linePool recycles access log line buffers.
var linePool = sync.Pool{New: func() any { return &jsonLine{b: make([]byte, 0, 512)} }}
