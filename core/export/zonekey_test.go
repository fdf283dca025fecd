package export

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// A DNS zone asks for the rpz list of its feed with the zone's name as
// origin; the HTTP rpz URL of the same feed, on a site whose rpz origin
// is that name, asks for a list of the same settings. Each keeps the
// list last served to its devices as the circuit breaker's baseline: the
// one built for the other is not its own. After a reload that changes
// the list's settings, an empty answer from MISP is held at the URL and
// in the zone, whichever of the two built the list before.
func TestZoneAndURLOfOneListKeepTheirOwnBaseline(t *testing.T) {
	const origin = "rpz.example.net"
	for _, tc := range []struct {
		name          string
		builder, then string // "zone" or "url"
	}{
		{"the zone built it, the URL asked after", "zone", "url"},
		{"the URL built it, the zone asked after", "url", "zone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newShrinkRig(t, "zone key test")
			zone, url := zoneAndURL(g.req, origin)
			zone.TTL = 50 * time.Second
			reqs := map[string]*Request{"zone": &zone, "url": &url}
			get := func(step, who string) Result {
				t.Helper()
				res, err := g.svc.Get(t.Context(), *reqs[who])
				if err != nil {
					t.Fatalf("%s (%s): %v", step, who, err)
				}
				return res
			}

			good := get("first build", tc.builder)
			if good.Entries < 200 {
				t.Fatalf("first build: %d entries", good.Entries)
			}
			if res := get("first pull", tc.then); res.Entries != good.Entries {
				t.Fatalf("first pull: %d entries, want %d", res.Entries, good.Entries)
			}

			changed := *url.Site // a reload adds a never_block name: a new key
			changed.Guard.NeverBlock = config.NeverBlock{Domains: []string{"example.org"}}
			zone.Site, url.Site = &changed, &changed
			g.m.keep.Store(0) // MISP answers nothing (a tag broken in the same edit)
			g.clock.advance(48 * time.Hour)
			res := get("empty rebuild", tc.then)
			if res.Held == nil || res.Entries != good.Entries {
				t.Fatalf("empty rebuild: held %v, %d entries served, want the %d last served held", res.Held, res.Entries, good.Entries)
			}
		})
	}
}

// A held zone list and a held URL list of the same feed are two holds,
// and /v1/holds tells them apart: the zone's names the zone.
func TestZoneHoldNamesTheZone(t *testing.T) {
	const origin = "rpz.example.net"
	g := newShrinkRig(t, "zone hold test")
	zone, url := zoneAndURL(g.req, origin)
	zone.Path = "dns zone " + origin
	for _, r := range []Request{zone, url} {
		if res, err := g.svc.Get(t.Context(), r); err != nil || res.Entries < 200 {
			t.Fatalf("first build of %q: %v, %d entries", r.Path, err, res.Entries)
		}
	}
	g.m.keep.Store(0)
	g.clock.advance(48 * time.Hour)
	paths := map[string]string{} // hold id -> path
	for _, r := range []Request{zone, url} {
		res, err := g.svc.Get(t.Context(), r)
		if err != nil || res.Held == nil {
			t.Fatalf("empty rebuild of %q: %v, held %v", r.Path, err, res.Held)
		}
		paths[res.Held.ID] = r.Path
	}
	holds := g.svc.Holds("")
	if len(holds) != 2 {
		t.Fatalf("holds: %+v, want the zone's and the URL's", holds)
	}
	for _, h := range holds {
		if want, ok := paths[h.ID]; !ok || h.Path != want {
			t.Errorf("hold %s: path %q, want %q", h.ID, h.Path, want)
		}
	}
}

// zoneAndURL returns the requests of the rpz list of req's feed that a DNS
// zone named origin makes, and its HTTP URL on a copy of req's site whose
// rpz origin is that name.
func zoneAndURL(req Request, origin string) (zone, url Request) {
	site := *req.Site
	site.Renderers = map[string]map[string]string{"rpz": {"origin": origin}}
	url = req
	url.Site, url.Output = &site, "rpz"
	zone = url
	zone.RendererOptions, zone.WaitFresh = map[string]string{"origin": origin}, true
	return zone, url
}
