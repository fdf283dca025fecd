package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
)

// TestTAXIIHeldRefreshRevertedNeverBlock: a never_block added while MISP
// answers a tenth of the data revokes what it protects at once; taken
// back by another reload during the same hold, the indicators it
// protected are carried again (new objects, as any indicator that
// returns), as the feed's held lists carry them again.
func TestTAXIIHeldRefreshRevertedNeverBlock(t *testing.T) {
	dir := t.TempDir()
	h, cut, token := cutHarness(t, withSiteFiles(dir, "misp.example.net"))
	h.token = token
	h.setAdmins(auth.Fingerprint(h.token))
	const list = "/v1/feed/block/type/ipv4/age/10y/output/txt"
	block := newPoller(h, "block")
	if objs := block.poll(t); len(objs) < 1000 {
		t.Fatalf("first poll: %d objects", len(objs))
	}
	if resp, body := h.get(list, "token", h.token); resp.StatusCode != http.StatusOK || !slices.Contains(strings.Split(body, "\r\n"), "45.10.0.1") {
		t.Fatalf("first list: %d", resp.StatusCode)
	}
	n, _ := countObjects(t, h, block.path)
	reload := func(guard string) {
		t.Helper()
		rewriteSite(t, h, dir, guard)
		if resp, body := h.do("DELETE", "/v1/clear_cache/all", "token", h.token); resp.StatusCode != http.StatusOK {
			t.Fatalf("clear_cache/all: %d %s", resp.StatusCode, body)
		}
	}
	protected := func(pattern string) bool {
		return strings.HasPrefix(pattern, "[ipv4-addr:value = '45.10.") || strings.HasPrefix(pattern, "[ipv4-addr:value = '45.11.")
	}

	// cutHarness's attributes are 45.<10..14>.<0..199>.1: 45.10.0.0/15
	// covers two fifths of them.
	cut.Store(10)
	reload("guard: {never_block: {cidrs: [45.10.0.0/15]}}\n")
	expectRevoked := func(step string, revoked bool) {
		t.Helper()
		resp, body := h.taxiiGet(block.path + "?limit=10000&added_after=" + block.last)
		if held := resp.Header.Get("X-Cratos-Held"); resp.StatusCode != http.StatusOK || !strings.Contains(held, "reason=") {
			t.Fatalf("%s: %d, X-Cratos-Held %q", step, resp.StatusCode, held)
		}
		_, objs := checkTAXII(t, resp, body)
		if len(objs) != 400 {
			t.Fatalf("%s: %d object versions, want the 400 never_block protects", step, len(objs))
		}
		for _, o := range objs {
			if o.Revoked != revoked || !protected(o.Pattern) {
				t.Fatalf("%s: %s (revoked %v)", step, o.Pattern, o.Revoked)
			}
		}
		block.last = resp.Header.Get("X-TAXII-Date-Added-Last")
	}
	expectRevoked("never_block added", true)

	reload("")
	expectRevoked("never_block taken back", false)
	if a, r := countObjects(t, h, block.path); a != n || r != 400 {
		t.Fatalf("never_block taken back: %d active, %d revoked; want %d, 400", a, r, n)
	}
	expectHeld(t, h, block, "") // asked again: nothing more
	if resp, body := h.get(list, "token", h.token); resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cratos-Held") == "" ||
		!slices.Contains(strings.Split(body, "\r\n"), "45.10.0.1") {
		t.Errorf("list after the revert: %d, X-Cratos-Held %q", resp.StatusCode, resp.Header.Get("X-Cratos-Held"))
	}
}
