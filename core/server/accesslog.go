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
// It runs for every request fiber serves, so it reads what the handlers
// already worked out (the caller's address, what a list route served)
// instead of working it out again. Requests the list shortcut answers
// (shortcut.go) are logged by it through the same logRequest.
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
	r := requestLine{start: start, route: c.Route().Path, method: c.Method(), status: c.Response().StatusCode()}
	if cl != nil && cl.served.output != "" {
		r.output = cl.served.output
	} else {
		r.output, _ = c.Locals("output").(string)
	}
	if s.opts.AccessLog != nil {
		token := ""
		if cl != nil {
			r.ip, token, r.ua = cl.ip, cl.token, cl.userAgent(&c.Request().Header)
		} else {
			r.ip, r.ua = s.clientIP(c), c.Get(fiber.HeaderUserAgent)
		}
		r.path = redactRequest(c.Path(), string(c.Request().URI().QueryString()), token)
		r.bytes = len(c.Response().Body())
		r.reason, r.hasReason = reasonOf(c)
	}
	r.end = time.Now() // one clock read for the metrics and the line
	s.logRequest(&r, cl)
	return err
}

// requestLine is what the request metrics and the access line say of one
// answered request.
type requestLine struct {
	start, end    time.Time
	ip            netip.Addr
	method, route string
	path          string // without the token (redactRequest)
	status, bytes int
	ua            string // as sent
	output        string // the list's output, for the metrics
	reason        string // why it was refused, when hasReason
	hasReason     bool
}

// logRequest counts r in the metrics and writes its access line; cl is
// the caller, nil for a request without a valid token. (cl is not a field
// of r so that a caller on the stack stays there.)
func (s *Server) logRequest(r *requestLine, cl *caller) {
	if s.opts.Metrics != nil {
		s.opts.Metrics.Request(r.route, r.status, r.output, r.end.Sub(r.start))
	}
	if s.opts.AccessLog == nil {
		return
	}
	l := linePool.Get().(*jsonLine)
	defer linePool.Put(l)
	l.start(r.end, "request")
	token := ""
	if cl != nil {
		token = cl.token
	}
	l.addr("ip", r.ip)
	l.str("method", r.method)
	l.str("path", r.path)
	l.str("route", r.route)
	l.int("status", r.status)
	bytes := r.bytes
	if r.status == fiber.StatusNotModified || r.method == fiber.MethodHead {
		bytes = 0 // no body goes out
	}
	l.int("bytes", bytes)
	l.float("ms", float64(r.end.Sub(r.start).Microseconds())/1000)
	l.str("ua", redactValue(r.ua, token))
	if cl != nil {
		l.str("site", cl.site.Name)
		l.str("consumer", cl.consumerID())
	}
	if r.hasReason {
		l.str("reason", r.reason)
	}
	if cl != nil && cl.served.set {
		l.str("cache", cl.served.cache)
		l.int("entries", cl.served.entries)
	}
	_, _ = s.opts.AccessLog.Write(l.end())
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
