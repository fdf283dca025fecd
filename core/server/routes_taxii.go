package server

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// taxiiAge is the age of a collection's data: the longest a route allows.
const taxiiAge = "10y"

// taxiiRetryAfter is the Retry-After of a poll that MISP failed (503, 504)
// when the collection has no history to answer from.
const taxiiRetryAfter = time.Minute

// TAXII endpoints served by taxiiHandler.
type taxiiEndpoint int

const (
	taxiiDiscovery taxiiEndpoint = iota
	taxiiRoot
	taxiiCollections
	taxiiCollection
	taxiiObjects
	taxiiObject
	taxiiVersions
	taxiiManifest
	taxiiReadOnly // writes: refused
	taxiiNotFound // status resources and unknown paths
)

func (s *Server) taxiiTable() []route {
	root := param{name: "apiRoot", in: "path", desc: "API root: the token's site name"}
	coll := param{name: "collectionId", in: "path", desc: "collection id (see the collections resource)"}
	obj := param{name: "objectId", in: "path", desc: "STIX object id"}
	q := func(name, desc string) param { return param{name: name, in: "query", desc: desc} }
	filters := []param{q("added_after", "only versions added after this timestamp"), q("limit", "page size (at most 10000)"),
		q("next", "the next value of the previous page"), q("match[id]", "object ids"), q("match[type]", "object types"),
		q("match[version]", "last (default), first, all or timestamps"), q("match[spec_version]", "2.1")}
	resp := []response{{200, "TAXII resource"}, {304, "not modified (If-None-Match)"}, {400, "invalid parameter"},
		{401, `no credentials (WWW-Authenticate: Basic realm="cratos"), or malformed Basic credentials`},
		{403, "token, site or client address refused"}, {404, "unknown API root, collection or object"},
		{406, "Accept is not application/taxii+json;version=2.1"}, {502, "MISP answered with an error or garbage"},
		{503, "MISP unreachable, or no build or render slot free within the build timeout"}, {504, "MISP timed out"}}
	const base = "/taxii2/:apiRoot/collections/:collectionId"
	mk := func(method, path, summary string, e taxiiEndpoint, params ...param) route {
		return route{method: method, path: path, summary: summary, auth: true, params: params, responses: resp,
			contentType: taxii.MediaType, handler: s.taxiiHandler(e), refuse: taxiiRefuse, challenge: true}
	}
	return []route{
		mk("GET", "/taxii2/", "TAXII 2.1 discovery: the token's API root.", taxiiDiscovery),
		mk("GET", "/taxii2/:apiRoot/", "TAXII 2.1 API root information.", taxiiRoot, root),
		mk("GET", "/taxii2/:apiRoot/collections/", "TAXII 2.1 collections: one per feed of the site.", taxiiCollections, root),
		mk("GET", base+"/", "TAXII 2.1 collection.", taxiiCollection, root, coll),
		mk("GET", base+"/objects/", "TAXII 2.1 objects of a collection (an envelope).", taxiiObjects, append([]param{root, coll}, filters...)...),
		mk("GET", base+"/objects/:objectId/", "TAXII 2.1 object: its versions selected by match[version].", taxiiObject, append([]param{root, coll, obj}, filters...)...),
		mk("GET", base+"/objects/:objectId/versions/", "TAXII 2.1 versions of an object.", taxiiVersions, append([]param{root, coll, obj}, filters...)...),
		mk("GET", base+"/manifest/", "TAXII 2.1 manifest of a collection.", taxiiManifest, append([]param{root, coll}, filters...)...),
		mk("POST", base+"/objects/", "Refused: the collections are read-only (403).", taxiiReadOnly, root, coll),
		mk("DELETE", base+"/objects/:objectId/", "Refused: the collections are read-only (403).", taxiiReadOnly, root, coll, obj),
		mk("GET", "/taxii2/*", "Any other TAXII path (status resources included): a TAXII 404 error.", taxiiNotFound),
	}
}

// taxiiError answers a TAXII error message.
func taxiiError(c *fiber.Ctx, e *taxii.Error) error {
	c.Set(fiber.HeaderContentType, taxii.MediaType)
	return c.Status(e.Status).Send(e.JSON())
}

// taxiiRefuse answers a refused authentication as a TAXII error with the
// status and detail every other route answers.
func taxiiRefuse(c *fiber.Ctx, status int, msg string) error {
	if msg == "" {
		msg = "not authorized"
	}
	return taxiiError(c, &taxii.Error{Status: status, Title: msg})
}

// taxiiFeeds returns the feeds a site offers: the standard ones and its
// configured custom feeds.
func taxiiFeeds(site *config.Site) []string {
	var out []string
	for _, f := range config.FeedNames {
		if strings.HasPrefix(f, "cust") {
			if _, ok := site.CustomFeeds.Lookup(f); !ok {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

func taxiiInfo(site *config.Site, feed string) taxii.Info {
	var selects string
	switch feed {
	case "any":
		selects = "every attribute not tagged " + site.Tag + ":incident-classification=false-positive"
	case "42":
		selects = "every attribute not tagged " + site.Tag + ":incident-classification=false-positive, MISP warninglists not applied"
	default:
		if suffixes, ok := site.CustomFeeds.Lookup(feed); ok {
			tags := make([]string, len(suffixes))
			for i, sfx := range suffixes {
				tags[i] = site.Tag + sfx
			}
			selects = "attributes tagged " + strings.Join(tags, " or ")
		} else {
			selects = "attributes tagged " + site.Tag + ":incident-classification=" + feed
		}
	}
	return taxii.NewInfo(site.Name, feed, selects)
}

func (s *Server) taxiiHandler(e taxiiEndpoint) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cl := callerOf(c)
		if !taxii.Acceptable(string(peekList(&c.Request().Header, fiber.HeaderAccept))) {
			return taxiiError(c, &taxii.Error{Status: fiber.StatusNotAcceptable, Title: "not acceptable",
				Description: "send Accept: " + taxii.MediaType})
		}
		site := cl.site
		notFound := func(what string) error {
			return taxiiError(c, &taxii.Error{Status: fiber.StatusNotFound, Title: what + " not found"})
		}
		switch e {
		case taxiiNotFound:
			return notFound("resource")
		case taxiiDiscovery:
			return s.taxiiSend(c, nil, taxii.Discovery("/taxii2/"+site.Name+"/"))
		}
		if c.Params("apiRoot") != site.Name {
			return notFound("API root")
		}
		switch e {
		case taxiiRoot:
			return s.taxiiSend(c, nil, taxii.APIRoot(site.Name))
		case taxiiCollections:
			var infos []taxii.Info
			for _, f := range taxiiFeeds(site) {
				infos = append(infos, taxiiInfo(site, f))
			}
			return s.taxiiSend(c, nil, taxii.Collections(infos))
		}
		feed := ""
		cid := strings.ToLower(c.Params("collectionId"))
		for _, f := range taxiiFeeds(site) {
			if taxii.CollectionID(site.Name, f) == cid {
				feed = f
			}
		}
		if feed == "" {
			return notFound("collection")
		}
		switch e {
		case taxiiCollection:
			return s.taxiiSend(c, nil, taxii.CollectionJSON(taxiiInfo(site, feed)))
		case taxiiReadOnly:
			return taxiiError(c, &taxii.Error{Status: fiber.StatusForbidden, Title: "collection is read-only",
				Description: "Cratos collections have can_write false"})
		}
		return s.taxiiContent(c, cl, e, feed)
	}
}

// taxiiContent serves objects, one object, its versions or the manifest.
func (s *Server) taxiiContent(c *fiber.Ctx, cl *caller, e taxiiEndpoint, feed string) error {
	values, qerr := taxii.QueryValues(string(c.Request().URI().QueryString()))
	if qerr != nil {
		return taxiiError(c, qerr)
	}
	delete(values, "token")
	q, qerr := taxii.ParseQuery(values)
	if qerr != nil {
		return taxiiError(c, qerr)
	}
	var (
		site       *config.Site
		req        export.Request
		key, owner string
		coll       *taxii.Collection
		view       export.FeedView
		verr, err  error
		answered   bool
	)
	for asked := 1; ; asked++ {
		site = cl.site
		req = export.Request{Site: site, MISPURL: cl.claims.BaseURL(), MISPKey: cl.claims.Key, Kind: export.KindFeed,
			Feed: feed, Age: taxiiAge, TTL: s.defaultTTL(site), Consumer: cl.fingerprint}
		key, owner, coll, view, verr, answered, err = s.taxiiView(c, req)
		if answered {
			return err
		}
		// A reload while MISP was read may have revoked the token, narrowed
		// allowed_ips or removed the site: nothing of the collection then.
		changed, status, msg := s.reauthorize(c, cl)
		if status != 0 {
			return taxiiRefuse(c, status, msg)
		}
		// A view read under the previous version of the site (its guard,
		// feeds, stix21 options) is read once more under the one loaded
		// now: the collection is refreshed as a poll after the reload
		// refreshes it.
		if !changed || asked == 2 {
			break
		}
		if !slices.Contains(taxiiFeeds(cl.site), feed) {
			return taxiiError(c, &taxii.Error{Status: fiber.StatusNotFound, Title: "collection not found"})
		}
	}
	if verr != nil {
		// A collection with a history answers from it when MISP fails or
		// the token's cold-build budget is spent, as a list route serves
		// its last good list.
		status, msg := upstream(verr)
		if coll.Len() == 0 || status < 500 && !errors.Is(verr, export.ErrBuildBudget) {
			s.opts.Logger.Warn("taxii collection failed", "site", site.Name, "feed", feed, "status", status, "error", msg)
			setRetryAfter(c, verr)
			if status == fiber.StatusServiceUnavailable || status == fiber.StatusGatewayTimeout {
				// MISP is down or did not answer within the build timeout:
				// a client that retries at once only queues behind it.
				c.Set(fiber.HeaderRetryAfter, retrySeconds(taxiiRetryAfter))
			}
			return taxiiError(c, &taxii.Error{Status: status, Title: msg})
		}
		c.Set("X-Cache", string(export.Stale))
		c.Set("Warning", `110 cratos "Response is Stale: `+staleCause(verr)+`"`)
	} else {
		var held *export.Hold
		gate := func(n taxii.Counts) bool {
			held = s.opts.Export.HoldRefresh(req, export.Refresh{Key: key, Identity: owner, Output: "taxii", DataType: "collection",
				Path:     "/taxii2/" + site.Name + "/collections/" + taxii.CollectionID(site.Name, feed) + "/",
				Previous: n.Prev, Kept: n.Kept, Current: n.Cur, SettingsChanged: n.SettingsChanged, Input: n.Input, FormerInput: n.FormerInput})
			return held != nil
		}
		_, aerr := s.opts.TAXII.RefreshUnder(key, coll, view.Source, view.Indicators, view.KeptOut, site.Renderers[stix21.Name], s.opts.Now(), gate)
		if held != nil {
			setHeld(&c.Response().Header, held)
		}
		switch {
		case errors.Is(aerr, taxii.ErrNotSaved) && coll.Len() == 0:
			return taxiiError(c, &taxii.Error{Status: fiber.StatusServiceUnavailable, Title: "collection history not saved",
				Description: "the collection's history could not be saved to state_dir; try again later"})
		case errors.Is(aerr, taxii.ErrNotSaved):
			c.Set("X-Cache", string(export.Stale))
			c.Set("Warning", `110 cratos "Response is Stale: collection history not saved"`)
		case aerr != nil:
			s.opts.Logger.Error("taxii collection not updated", "site", site.Name, "feed", feed, "error", aerr)
			return taxiiError(c, &taxii.Error{Status: fiber.StatusInternalServerError, Title: "internal error"})
		}
	}
	c.Locals("output", "taxii")
	oid := c.Params("objectId")
	canon := values.Encode()
	cacheKey := strings.Join([]string{key, strconv.FormatUint(coll.Changes(), 10), string(rune('0' + e)), oid, canon}, "\x00")
	res, terr := s.opts.TAXII.Response(cacheKey, func() (taxii.Page, *taxii.Error) {
		switch e {
		case taxiiObject:
			return coll.Objects(q, oid)
		case taxiiVersions:
			return coll.Versions(q, oid)
		case taxiiManifest:
			return coll.Manifest(q)
		}
		return coll.Objects(q, "")
	})
	if terr != nil {
		return taxiiError(c, terr)
	}
	if res.First != "" {
		setHeader(&c.Response().Header, headerTAXIIFirst, res.First)
		setHeader(&c.Response().Header, headerTAXIILast, res.Last)
	}
	return s.taxiiSend(c, res, nil)
}

// The names of a page's date range as TAXII 2.1 spells them: c.Set would
// send X-Taxii-…, which a case-sensitive reader does not find.
var (
	headerTAXIIFirst = []byte("X-TAXII-Date-Added-First")
	headerTAXIILast  = []byte("X-TAXII-Date-Added-Last")
)

// taxiiView returns req's collection, its key and owner (taxiiHistory),
// and the feed's view when MISP can be read for it (verr: why not).
// answered reports that c was answered (the history unavailable, the
// client gone), with err the answer's.
func (s *Server) taxiiView(c *fiber.Ctx, req export.Request) (key, owner string, coll *taxii.Collection, view export.FeedView, verr error, answered bool, err error) {
	key, owner, coll, verr, cerr := s.taxiiHistory(c, req)
	if cerr != nil {
		return "", "", nil, view, nil, true, taxiiError(c, &taxii.Error{Status: fiber.StatusServiceUnavailable, Title: "collection history unavailable",
			Description: "the collection's history could not be read from state_dir; its state is in Cratos's /v1/status"})
	}
	if verr != nil {
		return key, owner, coll, view, verr, false, nil
	}
	// A poll whose client left stops waiting; the view's reads stop
	// with the last poll waiting for them, as a list's build does.
	ctx := s.watchClient(c)
	view, verr = s.opts.Export.FeedView(ctx, req, taxii.Types(), s.opts.Config.DataType)
	gone := verr != nil && errors.Is(verr, context.Canceled) && ctx.Err() != nil
	ctx.Stop()
	if gone {
		s.opts.Logger.Info("client gone before its collection was read", "site", req.Site.Name, "feed", req.Feed)
		c.Status(statusClientGone)
		return "", "", nil, view, nil, true, nil
	}
	return key, owner, coll, view, verr, false, nil
}

// taxiiHistory returns the collection of req's feed, its key
// (site|MISP-user identity|feed) and the identity it is kept for (the
// MISP user's, or the key's when the user is not known): a history is kept per MISP user, so
// every key of a user (a key rotated) reads one history, and a history
// kept per MISP key before is adopted by the user's first key and
// merged in at each other key's first request. When MISP
// cannot tell whose key req's is, and no answer of before is
// remembered, the history kept for the key alone (if any) is served as
// it was, never refreshed: miss is MISP's error.
func (s *Server) taxiiHistory(c *fiber.Ctx, req export.Request) (key, owner string, coll *taxii.Collection, miss, err error) {
	id := taxii.CollectionID(req.Site.Name, req.Feed)
	keyID := s.opts.Export.Identity(req)
	perKey := req.Site.Name + "|" + keyID + "|" + req.Feed
	// The question is shared by the requests of the key that wait for
	// it, so the first one leaving does not cancel it; the site's MISP
	// timeout bounds it.
	ctx := context.WithoutCancel(c.UserContext())
	user, miss := s.opts.TAXII.Owner(keyID, func() (string, error) { return s.opts.Export.UserIdentity(ctx, req) })
	if miss != nil {
		coll, err = s.opts.TAXII.Collection(perKey, id)
		return perKey, keyID, coll, miss, err
	}
	key = req.Site.Name + "|" + user + "|" + req.Feed
	coll, err = s.opts.TAXII.CollectionAdopting(key, perKey, id)
	return key, user, coll, nil, err
}

// taxiiSend answers a TAXII resource with an ETag, honouring
// If-None-Match and Accept-Encoding.
func (s *Server) taxiiSend(c *fiber.Ctx, res *taxii.Response, body []byte) error {
	if res == nil {
		res = &taxii.Response{Page: taxii.Page{Body: body}, ETag: export.ETagOf(body)}
	}
	// The gzip form is another representation, with its own strong tag,
	// as a list's (export.HeaderValues.GzipETag); If-None-Match matches
	// either.
	gzETag := strings.TrimSuffix(res.ETag, `"`) + `-gzip"`
	gzipForm := res.HasGzip() && acceptsGzip(peekList(&c.Request().Header, fiber.HeaderAcceptEncoding))
	etag := res.ETag
	if gzipForm {
		etag = gzETag
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderVary, "Accept, Accept-Encoding")
	if inm := string(peekList(&c.Request().Header, fiber.HeaderIfNoneMatch)); etagMatch(inm, res.ETag) || res.HasGzip() && etagMatch(inm, gzETag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	var z []byte
	if gzipForm {
		z = res.Gzip()
	}
	sendForm(c.Context(), taxii.MediaType, res.Body, z)
	return nil
}
