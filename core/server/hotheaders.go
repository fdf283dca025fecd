package server

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Header names as bytes, in the form fasthttp normalizes them to (ETag is
// sent as Etag), for setting values formatted into a stack buffer without
// a string in between, or set without normalizing the name again.
var (
	headerAge          = []byte(fiber.HeaderAge)
	headerCacheControl = []byte(fiber.HeaderCacheControl)
	headerXCache       = []byte("X-Cache")
	headerETag         = []byte("Etag")
	headerLastModified = []byte(fiber.HeaderLastModified)
	headerVary         = []byte(fiber.HeaderVary)
	headerEntries      = []byte("X-Cratos-Entries")
	headerInvalid      = []byte("X-Cratos-Invalid")
	headerNosniff      = []byte("X-Content-Type-Options")
	headerCSP          = []byte("Content-Security-Policy")
)

// Values of headerNosniff and headerCSP on every list and MISP answer: a
// browser shown one never takes it for another type, and a renderer's
// text/html (a plugin may declare any type) runs no script and loads
// nothing, so MISP's values cannot act on this origin, where the console
// is.
var (
	nosniff    = []byte("nosniff")
	sandboxCSP = []byte("default-src 'none'; sandbox")
)

// setInertHeaders sets headerNosniff and headerCSP.
func setInertHeaders(h *fasthttp.ResponseHeader) {
	h.SetCanonical(headerNosniff, nosniff)
	h.SetCanonical(headerCSP, sandboxCSP)
}

// setHeader sets key, one of the names above, to v as h.Set does, without
// normalizing the name again. The header keeps its own copy of v; a value
// with a line break goes through h.Set, which takes the breaks out.
func setHeader(h *fasthttp.ResponseHeader, key []byte, v string) {
	if strings.IndexByte(v, '\r') >= 0 || strings.IndexByte(v, '\n') >= 0 {
		h.Set(string(key), v)
		return
	}
	h.SetCanonical(key, unsafe.Slice(unsafe.StringData(v), len(v)))
}

// setIntHeader sets key to prefix followed by n in decimal.
func setIntHeader(h *fasthttp.ResponseHeader, key []byte, prefix string, n int64) {
	var buf [64]byte
	v := append(buf[:0], prefix...)
	v = strconv.AppendInt(v, n, 10)
	h.SetCanonical(key, v)
}

// notModified reports whether the client's copy of a list is current
// (RFC 9110 section 13.2.2): If-None-Match, when sent, decides alone,
// matching etag or gzETag, the ETags of the list's two forms (gzETag is ""
// when there is no gzip form); without it, If-Modified-Since does
// (unmodifiedSince). A client sends back the tag it was given, so an
// exact match is tried first, on the header's bytes; anything else goes
// through etagMatch.
func notModified(req *fasthttp.RequestHeader, etag, gzETag string, modified, now time.Time) bool {
	h := peekList(req, fiber.HeaderIfNoneMatch)
	if len(h) == 0 {
		return unmodifiedSince(req, modified, now)
	}
	if string(h) == etag || gzETag != "" && string(h) == gzETag {
		return true
	}
	return etagMatch(string(h), etag) || gzETag != "" && etagMatch(string(h), gzETag)
}

// peekList returns the request header key as the one comma-separated list
// its field lines make (RFC 9110 section 5.3): a device may send a list
// header in several lines. A header sent in one line is returned as it
// is, without a copy.
func peekList(req *fasthttp.RequestHeader, key string) []byte {
	lines := req.PeekAll(key)
	switch len(lines) {
	case 0:
		return nil
	case 1:
		return lines[0]
	}
	return bytes.Join(lines, []byte(", "))
}

// unmodifiedSince reports whether If-Modified-Since names exactly the
// list's own date, modified (whole seconds: no two contents of a list
// share one), as nginx's default "if_modified_since exact" does. A later
// date is not enough: a client sending its own clock's time (curl -z with
// a file's download time) could otherwise be told 304 for a list that
// changed between its MISP read and its first answer. A list dated after
// now never matches: its Last-Modified, capped at now, is not its date.
func unmodifiedSince(req *fasthttp.RequestHeader, modified, now time.Time) bool {
	v := req.Peek(fiber.HeaderIfModifiedSince)
	if len(v) == 0 || modified.After(now) {
		return false
	}
	t, err := http.ParseTime(unsafe.String(unsafe.SliceData(v), len(v)))
	return err == nil && t.Equal(modified.Truncate(time.Second))
}

// userAgent returns the request's User-Agent, read once per request for
// the pull record and the access log.
func (cl *caller) userAgent(req *fasthttp.RequestHeader) string {
	if !cl.uaRead {
		cl.ua, cl.uaRead = internUA(req.UserAgent()), true
	}
	return cl.ua
}
