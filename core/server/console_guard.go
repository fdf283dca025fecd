package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
)

// exportHolds shows the export service's circuit-breaker holds of the
// sites served to the console.
type exportHolds struct {
	svc   *export.Service
	sites *config.Sites
}

// siteServed tells whether a site is configured and enabled.
func siteServed(sites *config.Sites) func(site string) bool {
	return func(name string) bool {
		site, ok := sites.Get(name)
		return ok && site.IsEnabled()
	}
}

// currentHolds returns svc's holds of site ("" for every site), once
// those of sites no longer served (removed or disabled by a reload), or
// of feeds no longer configured, are ended.
func currentHolds(svc *export.Service, sites *config.Sites, site string) []export.Hold {
	svc.DropHolds(func(name string) (*config.Site, bool) {
		s, ok := sites.Get(name)
		return s, ok && s.IsEnabled()
	})
	return svc.Holds(site)
}

// Holds returns every current hold.
func (h exportHolds) Holds() []Hold {
	var out []Hold
	for _, x := range currentHolds(h.svc, h.sites, "") {
		out = append(out, Hold{ID: x.ID, Site: x.Site, List: heldListPath(x), Reason: x.Reason, Since: x.Since})
	}
	return out
}

// heldListPath is the URL devices ask a held list at: its Path (a TAXII
// collection, a DNS zone), or the list route of its kind, told apart by
// the "org:" feed and "vendor:" output the export service labels them
// with.
func heldListPath(h export.Hold) string {
	switch {
	case h.Path != "":
		return h.Path
	case strings.HasPrefix(h.Feed, "org:"):
		return fmt.Sprintf("/v1/uuid/%s/type/%s/age/%s/output/%s", strings.TrimPrefix(h.Feed, "org:"), h.DataType, h.Age, h.Output)
	case strings.HasPrefix(h.Output, "vendor:"):
		return fmt.Sprintf("/v1/vendor/%s/feed/%s/type/%s/age/%s", strings.TrimPrefix(h.Output, "vendor:"), h.Feed, h.DataType, h.Age)
	}
	return fmt.Sprintf("/v1/feed/%s/type/%s/age/%s/output/%s", h.Feed, h.DataType, h.Age, h.Output)
}

// Release releases the hold id on its own site.
func (h exportHolds) Release(id, _ string) error {
	for _, x := range currentHolds(h.svc, h.sites, "") {
		if x.ID == id {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := h.svc.Release(ctx, x.Site, id)
			return err
		}
	}
	return export.ErrNoHold
}

// lookupEnabled reports whether the console shows its lookup box.
func (s *Server) lookupEnabled() bool { return s.opts.Lookup != nil || s.opts.Export != nil }

// consoleLookup answers the console's lookup box: the configured
// LookupFunc, or GET /v1/lookup's answer for the session's site and MISP
// key.
func (s *Server) consoleLookup(ctx context.Context, sess *session, value string) ([]LookupHit, error) {
	if s.opts.Lookup != nil {
		return s.opts.Lookup(ctx, value)
	}
	site, ok := s.opts.Sites.Get(sess.site)
	if !ok {
		return nil, fmt.Errorf("site %s is no longer configured", sess.site)
	}
	res, err := s.opts.Export.Lookup(ctx, export.LookupRequest{
		Site: site, MISPURL: sess.mispURL, MISPKey: sess.mispKey,
		Value: value, DataType: s.opts.Config.DataType, Consumer: sess.fingerprint,
	})
	if err != nil {
		return nil, err
	}
	var hits []LookupHit
	for _, l := range res.Lists {
		hit := LookupHit{Site: res.Site, Feed: l.Feed, Type: l.DataType, Value: value}
		switch {
		case l.Error != "":
			hit.Note = "not read: " + l.Error
		case l.Carried && l.As != "":
			hit.Note = "listed as " + l.As
		case l.Carried:
			hit.Note = "listed"
		case l.KeptOut != nil:
			hit.Note = "kept out: " + l.KeptOut.Rule + " (" + l.KeptOut.Detail + ")"
		default:
			continue
		}
		if l.Source != nil {
			hit.Note += fmt.Sprintf("; MISP event %d, attribute %s", l.Source.EventID, l.Source.AttributeUUID)
		}
		hits = append(hits, hit)
	}
	return hits, nil
}
