package cli

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
)

// TestZoneRequestsNameTheZone: a zone's lists name the zone, so that a
// hold of one (/v1/holds, the console) says the zone is held, not the
// rpz URL of the same feed.
func TestZoneRequestsNameTheZone(t *testing.T) {
	_, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test")))
	e := startE2E(t, simURL, func(token string) string {
		return "dns:\n  listen: \"127.0.0.1:0\"\n  zones:\n    - name: rpz.cratos\n      token: \"" + token + "\"\n      feed: block\n      data_types: [domain, hostname]\n"
	})
	reqs := zoneRequests(e.cfg, e.cfg.DNS.Zones[0], time.Minute)(auth.Claims{})
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Path != "dns zone rpz.cratos" {
			t.Errorf("%s list: path %q, want %q", r.DataType.Name, r.Path, "dns zone rpz.cratos")
		}
	}
}
