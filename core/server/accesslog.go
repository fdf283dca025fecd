package server

import (
	"net/url"
	"strings"
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
	attrs := []any{
		"ip", s.clientIP(c).String(),
		"method", c.Method(),
		"path", redactQuery(c.Path(), string(c.Request().URI().QueryString())),
		"route", c.Route().Path,
		"status", c.Response().StatusCode(),
		"bytes", len(c.Response().Body()),
		"ms", float64(time.Since(start).Microseconds()) / 1000,
		"ua", c.Get(fiber.HeaderUserAgent),
	}
	if cl, ok := c.Locals("caller").(*caller); ok {
		attrs = append(attrs, "site", cl.site.Name, "consumer", cl.consumerID())
	}
	if v, ok := c.Locals("cache").(string); ok {
		attrs = append(attrs, "cache", v)
	}
	if v, ok := c.Locals("entries").(int); ok {
		attrs = append(attrs, "entries", v)
	}
	s.opts.AccessLog.Info("request", attrs...)
	return err
}

// redactQuery returns path?query with every token value replaced.
func redactQuery(path, query string) string {
	if query == "" {
		return path
	}
	parts := strings.Split(query, "&")
	for i, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if dec, err := url.QueryUnescape(name); err == nil && strings.EqualFold(dec, "token") {
			parts[i] = name + "=ANONYMIZED"
		}
	}
	return path + "?" + strings.Join(parts, "&")
}
