package server

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// addRoute registers r, and HEAD beside every GET (as the original's
// framework answers HEAD wherever GET works; the body is not sent),
// behind requireCaller when the route is marked auth.
func (s *Server) addRoute(r route) {
	h := r.handler
	if r.auth {
		h = s.requireCaller(r.refuse, r.checksumToken, r.challenge, h)
	}
	s.app.Add(r.method, r.path, h)
	if r.method == fiber.MethodGet {
		s.app.Add(fiber.MethodHead, r.path, h)
	}
}

// fallback answers requests no route took, as the original does: a path
// served under other methods is a 405 with Allow; a path that is served
// without (or with) its trailing slash is a 307 to that path; anything
// else is a 404.
func (s *Server) fallback(c *fiber.Ctx) error {
	path := c.Path()
	if allowed := s.methodsFor(path); len(allowed) > 0 {
		c.Set(fiber.HeaderAllow, strings.Join(allowed, ", "))
		return detail(c, fiber.StatusMethodNotAllowed, "Method Not Allowed")
	}
	if path != "/" {
		other := path + "/"
		if strings.HasSuffix(path, "/") {
			other = strings.TrimSuffix(path, "/")
		}
		if len(s.methodsFor(other)) > 0 {
			loc := other
			if q := c.Request().URI().QueryString(); len(q) > 0 {
				loc += "?" + string(q)
			}
			c.Set(fiber.HeaderLocation, loc)
			return c.SendStatus(fiber.StatusTemporaryRedirect)
		}
	}
	return detail(c, fiber.StatusNotFound, "Not Found")
}

// methodsFor lists the methods the route table serves path with.
func (s *Server) methodsFor(path string) []string {
	var out []string
	for _, r := range s.table() {
		if !matchPath(r.path, path) {
			continue
		}
		methods := []string{r.method}
		if r.method == fiber.MethodGet {
			methods = append(methods, fiber.MethodHead)
		}
		for _, m := range methods {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// matchPath reports whether path matches a route pattern whose ":name"
// segments match any one non-empty segment.
func matchPath(pattern, path string) bool {
	ps := strings.Split(pattern, "/")
	xs := strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, ":") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return true
}
