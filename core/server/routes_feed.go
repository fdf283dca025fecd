package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
)

// statusClientGone is the status logged and counted for a request whose
// client closed its connection before the answer (nginx's 499).
const statusClientGone = 499

var (
	vendorNames = []string{"paloalto", "cisco"}
	uuidChars   = "0123456789abcdefABCDEF"
)

// parseList validates the path and query of a feed, uuid or vendor route
// (after authentication, as in the original) and builds the request.
func (s *Server) parseList(c *fiber.Ctx, cl *caller, kind export.Kind) (export.Request, bool, error) {
	var v validation
	r := export.Request{Site: cl.site, MISPURL: cl.baseURL, MISPKey: cl.claims.Key, Kind: kind, Consumer: cl.fingerprint}
	switch kind {
	case export.KindOrg:
		r.Org = c.Params("orgUUID")
		if !isUUID(r.Org) {
			v.add("path", "orgUUID", "string_pattern_mismatch",
				"String should match pattern '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'", r.Org)
		}
	case export.KindVendor:
		r.Vendor = c.Params("vendorName")
		if !slices.Contains(vendorNames, r.Vendor) {
			v.enum("path", "vendorName", r.Vendor, vendorNames)
		}
	}
	if kind != export.KindOrg {
		r.Feed = c.Params("feedName")
		if !slices.Contains(config.FeedNames, r.Feed) {
			v.enum("path", "feedName", r.Feed, config.FeedNames)
		}
	}
	dtName := c.Params("dataType")
	dt, ok := s.opts.Config.DataType(dtName)
	if !ok {
		v.enum("path", "dataType", dtName, indicator.DataTypeNames())
	}
	r.DataType = dt
	r.Age = c.Params("dataAge")
	if kind == export.KindVendor {
		// The vendor route ends with the age: <list URL>.md5 is its
		// checksum URL (Cisco FMC, suricata-update).
		if age, ok := strings.CutSuffix(r.Age, ".md5"); ok {
			r.Age = age
			c.Locals("checksum", true)
		}
	}
	if err := export.CheckAge(r.Age, s.opts.Now); err != nil {
		v.add("path", "dataAge", "value_error", "Value error, "+err.Error()+" (e.g. "+strings.Join(export.LegacyAges[:6], ", ")+")", r.Age)
	}
	var checksum bool
	r.Output, r.Package, checksum = s.opts.Export.ParseOutput(c.Params("output"))
	if checksum {
		c.Locals("checksum", true)
	}
	r.TTL = s.defaultTTL(cl.site)
	if q := c.Query("cache"); q != "" || c.Context().QueryArgs().Has("cache") {
		n, err := strconv.Atoi(q)
		switch {
		case err != nil:
			v.add("query", "cache", "int_parsing", "Input should be a valid integer, unable to parse string as an integer", q)
		case n <= 0:
			v.add("query", "cache", "greater_than", "Input should be greater than 0", q)
		case n > 86400:
			v.add("query", "cache", "less_than_equal", "Input should be less than or equal to 86400", q)
		default:
			r.TTL = time.Duration(n) * time.Second
		}
	}
	if len(v) > 0 {
		return r, false, v.respond(c)
	}
	return r, true, nil
}

func (s *Server) defaultTTL(site *config.Site) time.Duration {
	if site.MemcachedAllTimeout > 0 {
		return time.Duration(site.MemcachedAllTimeout) * time.Second
	}
	return s.opts.DefaultTTL
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if !strings.ContainsRune(uuidChars, rune(s[i])) {
			return false
		}
	}
	return true
}

func (s *Server) listHandler(kind export.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cl := callerOf(c)
		var served *export.Result
		var answered time.Time // one clock read for Age and the pull record
		defer func() { s.notePull(c.Context(), redactPath(c.Path(), cl.token), cl, served, answered) }()
		p, ok, err := s.parseList(c, cl, kind)
		if !ok {
			return err
		}
		var res export.Result
		for asked := 1; ; asked++ {
			ctx := s.watchClient(c)
			res, err = s.opts.Export.Get(ctx, p)
			gone := err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil
			ctx.Stop()
			if gone {
				// Nobody reads this answer: the access line and the
				// metrics say the client left, as nginx's 499 does.
				s.opts.Logger.Info("client gone before its list was built", "site", cl.site.Name, "feed", p.Feed, "type", p.DataType.Name,
					"output", p.Output)
				c.Status(statusClientGone)
				return nil
			}
			// A reload while Get waited: the caller is checked again,
			// and a list made with the previous version of its site
			// (its feeds, options, limits) is asked for once more.
			changed, status, msg := s.reauthorize(c, cl)
			if status != 0 {
				return detail(c, status, msg)
			}
			if !changed || asked == 2 {
				break
			}
			if p, ok, err = s.parseList(c, cl, kind); !ok {
				return err
			}
		}
		if err == nil {
			served, answered = &res, s.opts.Now()
		}
		if err != nil {
			status, msg := upstream(err)
			if status >= 500 {
				s.opts.Logger.Warn("list failed", "site", cl.site.Name, "feed", p.Feed, "type", p.DataType.Name,
					"output", p.Output, "status", status, "error", msg)
			}
			setRetryAfter(c, err)
			return detail(c, status, msg)
		}
		cl.served = servedList{set: true, output: p.Output, cache: string(res.Status), entries: res.Entries}
		sum, _ := c.Locals("checksum").(bool)
		if !sum {
			s.rememberList(c, p)
		}
		if sum {
			// A checksum URL (<list URL>.md5) lets suricata-update and
			// Cisco FMC skip downloading an unchanged list.
			c.Set("X-Cache", string(res.Status))
			setAge(&c.Response().Header, res, answered)
			c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
			c.Set(fiber.HeaderCacheControl, fmt.Sprintf("private, max-age=%d", int(p.TTL.Seconds())))
			return c.SendString(res.MD5())
		}
		sendArtifact(c.Context(), res, p.TTL, answered)
		return nil
	}
}

// sendArtifact writes an artifact with its caching headers (its Age as of
// now), answering 304 to a matching If-None-Match or If-Modified-Since
// (notModified) and gzip to clients that accept it. The gzip form is
// another representation, with its own ETag (HeaderValues.GzipETag).
func sendArtifact(ctx *fasthttp.RequestCtx, res export.Result, ttl time.Duration, now time.Time) {
	a := res.Artifact
	h := a.Headers()
	resp := &ctx.Response.Header
	gzipForm := h.GzipETag != "" && acceptsGzip(peekList(&ctx.Request.Header, fiber.HeaderAcceptEncoding))
	etag := a.ETag
	if gzipForm {
		etag = h.GzipETag
	}
	setHeader(resp, headerXCache, string(res.Status))
	setAge(resp, res, now)
	setHeader(resp, headerETag, etag)
	setLastModified(resp, a, h.LastModified, now)
	setIntHeader(resp, headerCacheControl, "private, max-age=", int64(ttl.Seconds()))
	setHeader(resp, headerVary, "Accept-Encoding")
	setHeader(resp, headerEntries, h.Entries)
	setHeader(resp, headerInvalid, h.Invalid)
	if h.KeptNets != "" {
		// ipv4ext: nets too wide (or too many) to expand stay CIDRs.
		resp.Set("X-Cratos-Kept-Nets", h.KeptNets)
	}
	if h.Dropped != "" {
		resp.Set("X-Cratos-Dropped", h.Dropped)
	}
	if res.Status == export.Stale {
		// Stale since MISP was last read for it: its content may be
		// older (Last-Modified) and still what MISP held then.
		resp.Set("X-Cratos-Stale-Since", h.LastRead)
		resp.Set("Warning", `110 cratos "Response is Stale: `+staleCause(res.Upstream)+`, last read `+h.LastRead+`"`)
	}
	if res.Status == export.Revalidating {
		resp.Set("Warning", `110 cratos "Response is Stale: list being rebuilt"`)
	}
	if res.Held != nil {
		setHeld(resp, res.Held)
	}
	if notModified(&ctx.Request.Header, a.ETag, h.GzipETag, a.Generated, now) {
		// No body goes out with a 304, and none is set.
		ctx.SetStatusCode(fiber.StatusNotModified)
		return
	}
	var z []byte
	if gzipForm {
		z = a.Gzip()
	}
	sendForm(ctx, a.ContentType, a.Body, z)
}

// sendForm sends body as contentType, or z, its gzip form, when z is not
// nil, with the headers that keep a browser from running it
// (setInertHeaders).
func sendForm(ctx *fasthttp.RequestCtx, contentType string, body, z []byte) {
	ctx.Response.Header.Set(fiber.HeaderContentType, contentType)
	setInertHeaders(&ctx.Response.Header)
	if z != nil {
		ctx.Response.Header.Set(fiber.HeaderContentEncoding, "gzip")
		body = z
	}
	ctx.Response.SetBodyRaw(body)
	holdAnswer(ctx, body)
}

// etagMatch implements If-None-Match's weak comparison for a strong tag.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding allows gzip (a q of 0
// refuses it; the parameter's name is case-insensitive). It reads the
// header's bytes without a copy: it runs for 304s too.
func acceptsGzip(header []byte) bool {
	for rest := unsafe.String(unsafe.SliceData(header), len(header)); rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if p := strings.TrimSpace(params); len(p) >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=' {
			v, err := strconv.ParseFloat(p[2:], 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}

func (s *Server) clearHandler(kind export.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cl := callerOf(c)
		p, ok, err := s.parseList(c, cl, kind)
		if !ok {
			return err
		}
		if err := s.opts.Export.Clear(c.UserContext(), p); err != nil {
			s.opts.Logger.Warn("clear cache", "site", cl.site.Name, "error", err)
		}
		return c.JSON(fiber.Map{"ok": true})
	}
}

// flushHandler clears every cache entry; only admin tokens may.
func (s *Server) flushHandler(c *fiber.Ctx) error {
	cl := callerOf(c)
	if !s.isAdmin(cl.fingerprint) {
		return detail(c, fiber.StatusForbidden, "This token may not flush the cache.")
	}
	if err := s.opts.Export.Flush(c.UserContext()); err != nil {
		s.opts.Logger.Warn("flush cache", "error", err)
	}
	return c.JSON(fiber.Map{"ok": true})
}
