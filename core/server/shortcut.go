package server

import (
	"bytes"
	"net"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/acl"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/export"
)

// The list shortcut. A device asks for the same list URL again and again,
// most often to be told that it has not changed. Once the list route has
// validated a URL's parameters, they are remembered by the URL, and a
// later GET of that URL whose list is in the cache and fresh is answered
// before fiber routes it: through the same authorization, cache look-up,
// answer, pull record, metrics and access line as the route, without the
// router, the middleware chain or parsing the path again.
//
// Every other request goes to fiber, which answers it as it always did:
// another method, a query string with more than the token (?cache=), a
// forwarding header from a peer that is not a trusted proxy or one that
// names no client address, a header that checkRequest refuses, a token
// not verified before or one that fails (so that tokens are verified
// once, and failures counted and answered, in one place), a list not in
// the cache or past its lifetime, held by the circuit breaker or served
// stale.

// maxListTargets bounds the remembered URLs; the memory is emptied when
// it is full, so no client can grow it.
const maxListTargets = 4096

// listTarget is what the list route made of one URL: its parameters
// and route, without the caller.
type listTarget struct {
	req     export.Request // the caller's fields are left empty
	route   string         // the route's pattern, for the metrics and the access line
	path    string         // the request's path, as the route read it
	logPath string         // path as the access line writes it (redactPath)
}

// listTargets maps request URIs, without their query string, to their
// listTarget.
type listTargets struct {
	mu sync.RWMutex
	m  map[string]*listTarget
}

func (t *listTargets) get(uri []byte) *listTarget {
	t.mu.RLock()
	lt := t.m[string(uri)]
	t.mu.RUnlock()
	return lt
}

func (t *listTargets) put(uri string, lt *listTarget) {
	t.mu.Lock()
	if t.m == nil || len(t.m) >= maxListTargets {
		t.m = make(map[string]*listTarget)
	}
	t.m[uri] = lt
	t.mu.Unlock()
}

// handle is the server's request handler: the list shortcut, then fiber.
func (s *Server) handle(ctx *fasthttp.RequestCtx) {
	if c, ok := ctx.Conn().(*limitConn); ok {
		c.requestStarted() // not to be closed to make room (connlimit.go)
	}
	if !s.answerFresh(ctx) {
		s.routed(ctx)
	}
}

// shortcutClient returns the client address of a request the shortcut
// may answer, and false for any other: a GET whose query string holds
// nothing but the token, without a header checkRequest refuses, and with
// forwarding headers only from a trusted proxy (those from anyone else
// are watchProxy's).
func (s *Server) shortcutClient(ctx *fasthttp.RequestCtx) (netip.Addr, bool) {
	h := &ctx.Request.Header
	if !h.IsGet() {
		return netip.Addr{}, false
	}
	if hasQuery(ctx) {
		if q := ctx.QueryArgs(); q.Len() > 1 || q.Len() == 1 && !q.Has("token") {
			return netip.Addr{}, false
		}
	}
	bad, forwarded := s.scanHeaders(h)
	if bad {
		return netip.Addr{}, false
	}
	peer := peerAddr(ctx)
	if !forwarded {
		return s.resolver.ClientIP(peer, nil), true
	}
	if p := peer.Unmap(); !p.IsValid() || !acl.Contains(s.opts.Config.TrustedProxies, p) {
		return netip.Addr{}, false
	}
	fwd := s.forwardedFor(h)
	if len(fwd) == 0 {
		return netip.Addr{}, false // another forwarding header: watchProxy's
	}
	return s.resolver.Resolve(peer, fwd) // not ok: checkRequest's 400
}

// isForwarding reports whether k, a header name as fasthttp normalizes
// it, is one that says who the client is (forwardingHeaders, the
// configured reverse_proxy_header).
func (s *Server) isForwarding(k []byte) bool {
	for _, name := range s.forwarding {
		if string(k) == name {
			return true
		}
	}
	return false
}

// rememberList records the target of a list request the route answered,
// when the shortcut may answer the same request later.
func (s *Server) rememberList(c *fiber.Ctx, p export.Request) {
	ctx := c.Context()
	uri := targetURI(ctx)
	if s.targets.get(uri) != nil {
		return // a URL's target depends on nothing else
	}
	path := c.Path()
	if _, ok := s.shortcutClient(ctx); !ok || strings.ContainsAny(path, "%+") {
		// A path with escapes is redacted on its decoded form: the
		// route does that.
		return
	}
	p.Site, p.MISPURL, p.MISPKey, p.Consumer, p.TTL = nil, "", "", "", 0
	s.targets.put(string(uri), &listTarget{
		req: p, route: c.Route().Path, path: path, logPath: redactPath(path, ""),
	})
}

// hasQuery reports whether the request URI has a query string, without
// parsing the URI.
func hasQuery(ctx *fasthttp.RequestCtx) bool {
	return bytes.IndexByte(ctx.Request.Header.RequestURI(), '?') >= 0
}

// targetURI is the part of the request URI a list's target depends on:
// all of it but the query string, which the shortcut takes only when it
// holds nothing but the token.
func targetURI(ctx *fasthttp.RequestCtx) []byte {
	uri := ctx.Request.Header.RequestURI()
	if i := bytes.IndexByte(uri, '?'); i >= 0 {
		return uri[:i]
	}
	return uri
}

// answerFresh answers a request the shortcut takes for a remembered URL
// whose list is fresh in the cache, and reports whether it did.
func (s *Server) answerFresh(ctx *fasthttp.RequestCtx) (answered bool) {
	route := ""
	defer func() {
		if r := recover(); r != nil {
			s.recovered(ctx, route, r)
			answered = true
		}
	}()
	ip, ok := s.shortcutClient(ctx)
	if !ok {
		return false
	}
	lt := s.targets.get(targetURI(ctx))
	if lt == nil {
		return false
	}
	route = lt.route
	start := time.Now()
	h := &ctx.Request.Header
	query := ""
	if hasQuery(ctx) {
		query = string(ctx.QueryArgs().Peek("token"))
	}
	token, err := auth.Extract(query, string(h.Peek("token")), string(h.Peek(fiber.HeaderAuthorization)))
	if err != nil || !s.opts.Codec.Remembered(token) || strings.Contains(lt.path, token) {
		// A token not verified before goes to the route, which
		// verifies it once and counts a failure.
		return false
	}
	now := start
	if !s.wallClock {
		now = s.opts.Now()
	}
	var cl caller
	if status, _, _ := s.authorize(&cl, ip, token, now); status != 0 {
		return false
	}
	r := lt.req
	r.Site, r.MISPURL, r.MISPKey, r.Consumer, r.TTL = cl.site, cl.baseURL, cl.claims.Key, cl.fingerprint, s.defaultTTL(cl.site)
	res, ok := s.opts.Export.Fresh(ctx, r)
	if !ok {
		return false
	}
	s.answered.Add(1)
	cl.served = servedList{set: true, output: r.Output, cache: string(res.Status), entries: res.Entries}
	sendArtifact(ctx, res, r.TTL, now)
	s.notePull(ctx, lt.logPath, &cl, &res, now)
	if s.opts.AccessLog == nil && s.opts.Metrics == nil {
		return true
	}
	line := requestLine{start: start, ip: cl.ip, method: fiber.MethodGet, route: lt.route, path: lt.logPath,
		status: ctx.Response.StatusCode(), bytes: len(ctx.Response.Body()), output: r.Output}
	if s.opts.AccessLog != nil {
		line.ua = cl.userAgent(h)
		if hasQuery(ctx) {
			line.path = redactRequest(lt.logPath, string(ctx.URI().QueryString()), token)
		}
	}
	line.end = time.Now()
	s.logRequest(&line, &cl)
	return true
}

// recovered answers a request whose shortcut panicked with the 500 the
// recoverer middleware gives; the stack goes to the log.
func (s *Server) recovered(ctx *fasthttp.RequestCtx, route string, r any) {
	s.opts.Logger.Error("panic", "route", route, "panic", r, "stack", string(debug.Stack()))
	ctx.Response.Reset()
	ctx.SetStatusCode(fiber.StatusInternalServerError)
	ctx.SetContentType(fiber.MIMEApplicationJSON)
	ctx.SetBodyString(`{"detail":"internal error"}`)
}

// peerAddr returns the address of the connection's other end.
func peerAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	var peer netip.Addr
	if ta, ok := ctx.RemoteAddr().(*net.TCPAddr); ok {
		peer, _ = netip.AddrFromSlice(ta.IP)
	}
	return peer
}
