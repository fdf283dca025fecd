package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/taxii"
)

// TestTAXIIUpstreamFaults: a MISP failure is a TAXII 5xx error without
// history, and with history the collection is served as it was (STALE),
// nothing revoked — never a 401 or 403.
func TestTAXIIUpstreamFaults(t *testing.T) {
	t.Run("no history", func(t *testing.T) {
		h := newHarness(t)
		h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500})
		resp, body := h.taxiiGet("/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/")
		if resp.StatusCode != 502 || strings.Contains(body, mispsim.DefaultKey) || !strings.Contains(body, h.site.Name) {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		checkTAXII(t, resp, body)
	})
	t.Run("history", func(t *testing.T) {
		h := newHarness(t, withSite(func(s *config.Site) { s.MemcachedAllTimeout = 1 }))
		path := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/"
		resp, good := h.taxiiGet(path)
		if resp.StatusCode != 200 {
			t.Fatal(resp.Status)
		}
		h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500})
		deadline := time.Now().Add(45 * time.Second)
		for {
			resp, body := h.taxiiGet(path)
			if resp.Header.Get("X-Cache") == "STALE" {
				if resp.StatusCode != 200 || body != good || !strings.Contains(resp.Header.Get("Warning"), "110") {
					t.Fatalf("stale answer %d %v", resp.StatusCode, resp.Header)
				}
				break
			}
			if resp.StatusCode != 200 || time.Now().After(deadline) {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
		// After recovery nothing was revoked or added.
		h.sim.SetFault(mispsim.Fault{})
		p := newPoller(h, "block")
		p.last = resp.Header.Get("X-TAXII-Date-Added-Last")
		if objs := p.poll(t); len(objs) != 0 || p.last == "" {
			t.Fatalf("after recovery: %v", patterns(objs))
		}
	})
}
