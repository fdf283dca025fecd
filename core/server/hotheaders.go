package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Header names as bytes, for setting values formatted into a stack buffer
// without a string in between.
var (
	headerAge          = []byte(fiber.HeaderAge)
	headerCacheControl = []byte(fiber.HeaderCacheControl)
)

// setIntHeader sets key to prefix followed by n in decimal.
func setIntHeader(c *fiber.Ctx, key []byte, prefix string, n int64) {
	var buf [64]byte
	v := append(buf[:0], prefix...)
	v = strconv.AppendInt(v, n, 10)
	c.Response().Header.SetCanonical(key, v)
}

// notModified reports whether the request's If-None-Match matches etag.
// A client sends back the tag it was given, so an exact match is tried
// first, on the header's bytes; anything else goes through etagMatch.
func notModified(c *fiber.Ctx, etag string) bool {
	h := c.Request().Header.Peek(fiber.HeaderIfNoneMatch)
	if len(h) == 0 {
		return false
	}
	return string(h) == etag || etagMatch(string(h), etag)
}

// userAgent returns the request's User-Agent, read once per request for
// the pull record and the access log.
func (cl *caller) userAgent(c *fiber.Ctx) string {
	if !cl.uaRead {
		cl.ua, cl.uaRead = c.Get(fiber.HeaderUserAgent), true
	}
	return cl.ua
}
