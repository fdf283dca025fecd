package server

import (
	"net/netip"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// accessLog writes one JSON line per request: who (address, site, a hash
// of the token), what (method, route, path without the token), and the
// outcome. Tokens, MISP keys and Authorization headers never reach it.
//
// It runs for every request, so it reads what the handlers already
// worked out (the caller's address, what a list route served) instead of
// working it out again, and appends the line into a pooled buffer.
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
	cl := callerOf(c)
	var sv *servedList
	if cl != nil {
		sv = &cl.served
	}
	status := c.Response().StatusCode()
	end := time.Now() // one clock read for the metrics and the line
	if s.opts.Metrics != nil {
		output := ""
		if sv != nil && sv.output != "" {
			output = sv.output
		} else {
			output, _ = c.Locals("output").(string)
		}
		s.opts.Metrics.Request(c.Route().Path, status, output, end.Sub(start))
	}
	if s.opts.AccessLog == nil {
		return nil
	}
	l := linePool.Get().(*jsonLine)
	defer linePool.Put(l)
	l.start(end, "request")
	var ip netip.Addr
	token := ""
	if cl != nil {
		ip, token = cl.ip, cl.token
	} else {
		ip = s.clientIP(c)
	}
	l.addr("ip", ip)
	l.str("method", c.Method())
	l.str("path", redactRequest(c.Path(), string(c.Request().URI().QueryString()), token))
	l.str("route", c.Route().Path)
	l.int("status", status)
	bytes := len(c.Response().Body())
	if status == fiber.StatusNotModified || c.Method() == fiber.MethodHead {
		bytes = 0 // no body goes out
	}
	l.int("bytes", bytes)
	l.float("ms", float64(end.Sub(start).Microseconds())/1000)
	ua := ""
	if cl != nil {
		ua = cl.userAgent(c)
	} else {
		ua = c.Get(fiber.HeaderUserAgent)
	}
	l.str("ua", redactValue(ua, token))
	if cl != nil {
		l.str("site", cl.site.Name)
		l.str("consumer", cl.consumerID())
	}
	if v, ok := reasonOf(c); ok {
		l.str("reason", v)
	}
	if sv != nil && sv.set {
		l.str("cache", sv.cache)
		l.int("entries", sv.entries)
	}
	_, _ = s.opts.AccessLog.Write(l.end())
	return err
}

// servedList is what a list route answered with, for the access log and the
// metrics: kept in the request's caller rather than in three locals,
// each of which would be boxed into an interface on every request.
type servedList struct {
	set     bool
	output  string
	cache   string // X-Cache
	entries int
}

// linePool recycles access log line buffers.
var linePool = sync.Pool{New: func() any { return &jsonLine{b: make([]byte, 0, 512)} }}
