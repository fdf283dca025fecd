package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/taxii"
)

// TestTAXIIBreakerAfterGuardChange: a restart with a never_block that
// keeps out most of a collection (the site's guard or config.yaml's),
// MISP answering as before, revokes what never_block now protects at
// once: the operator's choice is no reason to hold the refresh. MISP
// answering a tenth of the data in the same restart is still held, and
// what never_block protects is revoked all the same.
func TestTAXIIBreakerAfterGuardChange(t *testing.T) {
	// cutHarness's attributes are 45.<10..14>.<0..199>.1: these nets
	// cover four fifths of them.
	protected := []string{"45.10.0.0/15", "45.12.0.0/15"}
	for _, tc := range []struct {
		name  string
		guard func(h *harness)
		cut   int32 // MISP's answer after the restart: every cut-th attribute (0: all)
		held  string
	}{
		{name: "site never_block, MISP unchanged",
			guard: func(h *harness) {
				site := *h.site
				site.Guard.NeverBlock.CIDRs = protected
				h.site = &site
			}},
		{name: "config.yaml never_block, MISP unchanged",
			guard: func(h *harness) { h.cfg.NeverBlock = config.NeverBlock{CIDRs: protected} }},
		{name: "site never_block, MISP answers a tenth",
			guard: func(h *harness) {
				site := *h.site
				site.Guard.NeverBlock.CIDRs = protected
				h.site = &site
			}, cut: 10, held: "MISP gave"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, cut, token := cutHarness(t, func(h *harness) { h.taxii = taxii.NewManager(nil, nil) })
			h.token = token
			block := firstBlockPoll(t, h)
			n, _ := countObjects(t, h, block.path)

			tc.guard(h)
			cut.Store(tc.cut)
			h.start() // a new process on the same TAXII history
			resp, body := h.taxiiGet(block.path + "?limit=10000&added_after=" + block.last)
			if held := resp.Header.Get("X-Cratos-Held"); resp.StatusCode != 200 || (held == "") != (tc.held == "") || held != "" && !strings.Contains(held, "reason="+tc.held) {
				t.Fatalf("poll after the restart: %d, held %q; want reason %q", resp.StatusCode, held, tc.held)
			}
			_, objs := checkTAXII(t, resp, body)
			if len(objs) != 800 {
				t.Fatalf("after the restart: %d object versions, want the 800 never_block protects revoked", len(objs))
			}
			for _, o := range objs {
				if !o.Revoked || !strings.HasPrefix(o.Pattern, "[ipv4-addr:value = '45.1") || strings.HasPrefix(o.Pattern, "[ipv4-addr:value = '45.14.") {
					t.Fatalf("after the restart: %s (revoked %v)", o.Pattern, o.Revoked)
				}
			}
			if a, r := countObjects(t, h, block.path); a != n-800 || r != 800 {
				t.Errorf("after the restart: %d active, %d revoked; want %d, 800", a, r, n-800)
			}
			if holds := h.holdsSeenBy(t, h.token); len(holds) != min(len(tc.held), 1) {
				t.Errorf("holds: %+v", holds)
			}
		})
	}
}
