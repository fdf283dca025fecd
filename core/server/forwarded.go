package server

import (
	"bytes"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// checkRequest refuses (400) a request with a bare CR or a NUL in a
// header (a proxy or log reading headers differently could be fooled),
// and one whose trusted proxy sent a forwarding header that names no
// readable client address: serving it as the proxy's own address would
// give it the proxy's rights.
func (s *Server) checkRequest(c *fiber.Ctx) error {
	if bad, _ := s.scanHeaders(&c.Request().Header); bad {
		return detail(c, fiber.StatusBadRequest, "A header holds a carriage return or NUL character.")
	}
	h := s.resolver.Header()
	if h == "" {
		return c.Next()
	}
	fwd := s.forwardedFor(&c.Request().Header)
	if len(fwd) == 0 {
		return c.Next()
	}
	if _, ok := s.resolver.Resolve(peerAddr(c.Context()), fwd); !ok {
		return detail(c, fiber.StatusBadRequest, "The "+h+" header from the proxy names no client address.")
	}
	return c.Next()
}

// forwardedFor returns the values of the forwarding header the client
// address is read from (see acl.Resolver), none when there is no such
// header.
func (s *Server) forwardedFor(h *fasthttp.RequestHeader) []string {
	name := s.resolver.Header()
	if name == "" {
		return nil
	}
	var fwd []string
	for _, v := range h.PeekAll(name) {
		fwd = append(fwd, string(v))
	}
	return fwd
}

// scanHeaders reads the request's headers once: bad when a name or value
// holds a carriage return or a NUL, forwarded when one of them says who
// the client is (see isForwarding).
func (s *Server) scanHeaders(h *fasthttp.RequestHeader) (bad, forwarded bool) {
	h.VisitAll(func(k, v []byte) {
		if hasCRorNUL(k) || hasCRorNUL(v) {
			bad = true
		}
		if s.isForwarding(k) {
			forwarded = true
		}
	})
	return bad, forwarded
}

// hasCRorNUL reports whether b holds a carriage return or a NUL byte. Two
// IndexByte scans cost less than bytes.ContainsAny, which builds its byte
// set on every call, and this runs for every header of every request.
func hasCRorNUL(b []byte) bool {
	return bytes.IndexByte(b, '\r') >= 0 || bytes.IndexByte(b, 0) >= 0
}
