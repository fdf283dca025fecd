package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
)

// route is one served endpoint; the same table registers handlers and
// describes them in the OpenAPI document, so the two cannot drift.
type route struct {
	method, path, summary string
	auth                  bool
	params                []param
	responses             []response
	contentType           string // of the 200 answer
	handler               fiber.Handler
	// refuse answers a refused authentication (nil: {"detail": msg}).
	refuse refusal
	// checksumToken: a list route, where a query token ending in ".md5"
	// asks for the list's checksum (see checksumToken).
	checksumToken bool
	// challenge: a request with no token at all gets a 401 with a Basic
	// challenge, not counted as a failed authentication (requireCaller).
	challenge bool
}

type param struct {
	name, in, desc string
	enum           []string
	pattern        string
	integer        bool
	min, max       int
}

type response struct {
	code int
	text string
}

func (s *Server) table() []route {
	feed := param{name: "feedName", in: "path", desc: "feed: a tag-based selection of MISP attributes", enum: config.FeedNames}
	dataType := param{name: "dataType", in: "path", desc: "kind of indicator", enum: indicator.DataTypeNames()}
	age := param{name: "dataAge", in: "path", desc: "oldest attribute change to include: N followed by h, d, w, m or y (at most 10 years); the original's values " + strings.Join(export.LegacyAges, ", "), pattern: "^[0-9]{1,5}[hdwmy]$"}
	output := param{name: "output", in: "path", desc: "output format: a renderer name (see /v1/renderers), or the name followed by its renderer's extension (junos.txt), the same list; " +
		".md5 after either gives the list's MD5, .tar.gz after a name the list packaged for suricata-update",
		enum: append(s.opts.Renderers.Names(), s.opts.Renderers.FileNames()...)}
	cacheP := param{name: "cache", in: "query", desc: "cache lifetime in seconds (default: the site's memcached_all_timeout, else 60)", integer: true, min: 1, max: 86400}
	org := param{name: "orgUUID", in: "path", desc: "MISP organisation uuid", pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"}
	vendor := param{name: "vendorName", in: "path", desc: "vendor list format", enum: vendorNames}
	wlID := param{name: "warninglistId", in: "path", desc: "MISP warninglist id; 0 lists all", integer: true, min: 0, max: 1000}
	wlOut := param{name: "returnedDataType", in: "path", desc: "output format", enum: warninglistOutputs}

	list := []response{{200, "the list"}, {304, "not modified (If-None-Match, or If-Modified-Since without it)"}, {400, "the output cannot carry this data type"},
		{401, "malformed Basic credentials"}, {403, "token, site or client address refused"}, {404, "unknown output or unconfigured feed"},
		{422, "invalid parameter"}, {429, "too many failed authentications"}, {502, "MISP answered with an error or garbage"},
		{503, "MISP unreachable, or no build or render slot free within the build timeout"}, {504, "MISP timed out"}}
	authed := []response{{200, "OK"}, {401, "malformed Basic credentials"}, {403, "token, site or client address refused"}, {422, "invalid parameter"},
		{502, "MISP answered with an error or garbage"}, {503, "MISP unreachable, or no build or render slot free within the build timeout"}, {504, "MISP timed out"}}
	open := []response{{200, "OK"}}
	mint := []response{{200, "the token"}, {403, "minting is off or not allowed from this address"}, {422, "invalid field"}, {429, "too many requests"}}

	return append([]route{
		{method: "GET", path: "/", summary: "Service banner with the caller's address.", responses: open, contentType: "application/json", handler: s.root},
		{method: "GET", path: "/robots.txt", summary: "Disallow all crawlers.", responses: open, contentType: "text/plain", handler: s.robots},
		{method: "GET", path: "/favicon.ico", summary: "Icon.", responses: open, contentType: "image/x-icon", handler: s.favicon},
		{method: "GET", path: "/v1/status", summary: "Liveness and readiness: ping and overall health for anyone; with an admin token also the cache, each site's MISP reachability and last good build, and the named consumers.", responses: open, contentType: "application/json", handler: s.status},
		{method: "GET", path: "/metrics", summary: "Prometheus metrics (from allways_allowed_ips only).", responses: []response{{200, "metrics"}, {403, "address not allowed"}}, contentType: "text/plain", handler: s.metricsHandler()},
		{method: "GET", path: "/v1/openapi.json", summary: "This OpenAPI 3 document.", responses: open, contentType: "application/json", handler: s.openapi},
		{method: "GET", path: "/openapi.json", summary: "This OpenAPI 3 document (the original's second path).", responses: open, contentType: "application/json", handler: s.openapi},
		{method: "GET", path: "/v1/help", summary: "This API as a page.", responses: open, contentType: "text/html", handler: s.help},
		{method: "GET", path: "/redoc", summary: "Redirects to /v1/help.", responses: []response{{302, "redirect"}}, handler: s.redoc},
		{method: "GET", path: "/v1/renderers", summary: "Every output format with its content type and the indicator kinds it carries.", responses: open, contentType: "application/json", handler: s.renderersList},
		{method: "GET", path: "/v1/generate_token_form", summary: "Token form.", responses: open, contentType: "text/html", handler: s.tokenFormGet},
		{method: "POST", path: "/v1/generate_token_form", summary: "Mint a token from the form (fields proto, domain, port, auth, expire).", responses: mint, contentType: "text/html", handler: s.tokenFormPost},
		{method: "POST", path: "/v1/generate_token_json", summary: "Mint a token from JSON {proto, domain, port, auth, expire}.", responses: mint, contentType: "application/json", handler: s.tokenJSON},
		{method: "GET", path: "/v1/check", summary: "MISP version as seen with the token's key.", auth: true, responses: authed, contentType: "application/json", handler: s.check},
		{method: "GET", path: "/v1/statistics", summary: "MISP attribute counts per type.", auth: true, responses: authed, contentType: "application/json", handler: s.statistics},
		{method: "GET", path: "/v1/warninglist/id/:warninglistId/output/:returnedDataType", summary: "A MISP warninglist (0: all lists).", auth: true, params: []param{wlID, wlOut}, responses: authed, handler: s.warninglist},
		{method: "GET", path: "/v1/feedmapping", summary: "Which MISP tag each feed selects.", auth: true, responses: authed, contentType: "text/plain", handler: s.feedMapping},
		{method: "GET", path: "/v1/feed/:feedName/type/:dataType/age/:dataAge/output/:output", summary: "A feed's indicators of one kind in one format.", auth: true, params: []param{feed, dataType, age, output, cacheP}, responses: list, handler: s.listHandler(export.KindFeed), checksumToken: true},
		{method: "GET", path: "/v1/vendor/:vendorName/feed/:feedName/type/:dataType/age/:dataAge", summary: "A feed as a vendor's plain list (paloalto strips URL schemes).", auth: true, params: []param{vendor, feed, dataType, age, cacheP}, responses: list, contentType: "text/plain", handler: s.listHandler(export.KindVendor), checksumToken: true},
		{method: "GET", path: "/v1/uuid/:orgUUID/type/:dataType/age/:dataAge/output/:output", summary: "One organisation's indicators.", auth: true, params: []param{org, dataType, age, output, cacheP}, responses: list, handler: s.listHandler(export.KindOrg), checksumToken: true},
		{method: "DELETE", path: "/v1/clear_cache/feed/:feedName/type/:dataType/age/:dataAge/output/:output", summary: "Forget the cached lists of this feed for the site (every output).", auth: true, params: []param{feed, dataType, age, output}, responses: authed, contentType: "application/json", handler: s.clearHandler(export.KindFeed)},
		{method: "DELETE", path: "/v1/clear_cache/vendor/:vendorName/feed/:feedName/type/:dataType/age/:dataAge", summary: "Forget the cached vendor lists of this feed.", auth: true, params: []param{vendor, feed, dataType, age}, responses: authed, contentType: "application/json", handler: s.clearHandler(export.KindVendor)},
		{method: "DELETE", path: "/v1/clear_cache/uuid/:orgUUID/type/:dataType/age/:dataAge/output/:output", summary: "Forget the cached lists of one organisation.", auth: true, params: []param{org, dataType, age, output}, responses: authed, contentType: "application/json", handler: s.clearHandler(export.KindOrg)},
		{method: "GET", path: "/v1/lookup", summary: "Why a value is (or is not) on the token's site's lists: canonical form, each feed and data type, the guard rule that keeps it out, its MISP sources.", auth: true, params: []param{{name: "value", in: "query", desc: "the indicator to explain"}, {name: "age", in: "query", desc: "lists of this age (default 1y)", pattern: "^[0-9]{1,5}[hdwmy]$"}}, responses: authed, contentType: "application/json", handler: s.lookupHandler},
		{method: "GET", path: "/v1/holds", summary: "Lists of the token's site, built with the token's MISP key (every one for an admin token), that the circuit breaker holds (the last good list is served).", auth: true, responses: authed, contentType: "application/json", handler: s.holdsHandler},
		{method: "POST", path: "/v1/holds/release", summary: "Let the held lists of the token's site (or ?id=) replace their last good lists (admin_tokens only).", auth: true, responses: []response{{200, "released"}, {403, "not an admin token"}, {404, "nothing held"}, {422, "invalid id"}}, contentType: "application/json", handler: s.releaseHandler},
		{method: "DELETE", path: "/v1/clear_cache/all", summary: "Forget every cached list (tokens listed in admin_tokens only).", auth: true, responses: authed, contentType: "application/json", handler: s.flushHandler},
	}, s.taxiiTable()...)
}

func (s *Server) routes() {
	s.app.Use(s.accessLog, s.recoverer, s.checkRequest, s.watchProxy)
	for _, r := range s.table() {
		s.addRoute(r)
	}
	s.consoleRoutes()
	s.app.Use(s.fallback)
}
