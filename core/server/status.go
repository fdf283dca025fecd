package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/taxii"
)

// adminStatus reports whether a /v1/status request carries an admin token
// that authenticates. A request without a token is not a failed
// authentication; a bad token is.
func (s *Server) adminStatus(c *fiber.Ctx) bool {
	if !hasToken(c) {
		return false
	}
	cl, _, _ := s.identify(c)
	return cl != nil && s.isAdmin(cl.fingerprint)
}

// publicStatus is /v1/status for anyone: the original's two keys and one
// overall word, "OK" or "DEGRADED" (the cache or a site's MISP is
// failing), with no site names, hosts or times.
func (s *Server) publicStatus(c *fiber.Ctx, memStatus string) fiber.Map {
	overall := "OK"
	if memStatus != "OK" {
		overall = "DEGRADED"
	}
	if c.Query("sites") != "0" {
		for _, e := range s.siteProbes(c.UserContext()) {
			if m, ok := e.(map[string]any); ok && m["misp"] == "FAIL" {
				overall = "DEGRADED"
			}
		}
	}
	return fiber.Map{"ping": "pong", "memcachedstatus": memStatus, "status": overall}
}

// consumerStatus lists the named consumers for an admin's /v1/status.
func (s *Server) consumerStatus() []fiber.Map {
	out := []fiber.Map{}
	for _, st := range s.opts.Consumers.Consumers() {
		m := fiber.Map{"site": st.Site, "consumer": st.Name, "late": st.Late, "expect_every_seconds": int(st.ExpectEvery.Seconds())}
		if !st.Last.Time.IsZero() {
			m["last_pull"] = st.Last.Time.UTC().Format(time.RFC3339)
			m["list"] = st.Last.List
			m["status"] = st.Last.Status
		}
		out = append(out, m)
	}
	return out
}

// taxiiStatus lists, for an admin's /v1/status, the TAXII collections
// whose history is not as last saved: unavailable (answering 503),
// recovered from the previous generation of a corrupt file, not saved.
func (s *Server) taxiiStatus() []fiber.Map {
	out := []fiber.Map{}
	for _, t := range s.opts.TAXII.Troubles() {
		// The key is site|MISP-key identity|feed.
		site, _, _ := strings.Cut(t.Key, "|")
		feed := t.Key[strings.LastIndexByte(t.Key, '|')+1:]
		out = append(out, fiber.Map{"site": site, "feed": feed, "collection": taxii.CollectionID(site, feed),
			"state": t.State, "file": t.File, "error": t.Error, "since": t.Since.UTC().Format(time.RFC3339)})
	}
	return out
}
