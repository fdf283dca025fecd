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
	if badHeaders(&c.Request().Header) {
		return detail(c, fiber.StatusBadRequest, "A header holds a carriage return or NUL character.")
	}
	h := s.resolver.Header()
	if h == "" {
		return c.Next()
	}
	vals := c.Request().Header.PeekAll(h)
	if len(vals) == 0 {
		return c.Next()
	}
	peer := peerAddr(c.Context())
	fwd := make([]string, len(vals))
	for i, v := range vals {
		fwd[i] = string(v)
	}
	if _, ok := s.resolver.Resolve(peer, fwd); !ok {
		return detail(c, fiber.StatusBadRequest, "The "+h+" header from the proxy names no client address.")
	}
	return c.Next()
}

// badHeaders reports whether a header name or value holds a carriage
// return or a NUL.
func badHeaders(h *fasthttp.RequestHeader) bool {
	bad := false
	h.VisitAll(func(k, v []byte) {
		if hasCRorNUL(k) || hasCRorNUL(v) {
			bad = true
		}
	})
	return bad
}

// hasCRorNUL reports whether b holds a carriage return or a NUL byte. Two
// IndexByte scans cost less than bytes.ContainsAny, which builds its byte
// set on every call, and this runs for every header of every request.
func hasCRorNUL(b []byte) bool {
	return bytes.IndexByte(b, '\r') >= 0 || bytes.IndexByte(b, 0) >= 0
}
