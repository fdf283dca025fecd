package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
)

// TestTAXIIHeldRefreshRevokesNeverBlock: a reload adds a never_block
// covering indicators a collection carries while MISP answers a tenth of
// the data. The refresh is held (MISP's shrink is not trusted), but what
// the new never_block keeps out is revoked at once, as the lists of the
// feed stop carrying it; the rest stays active until the hold is
// released, and then the refresh applies.
func TestTAXIIHeldRefreshRevokesNeverBlock(t *testing.T) {
	dir := t.TempDir()
	h, cut, token := cutHarness(t, withSiteFiles(dir, "misp.example.net"))
	h.token = token
	h.setAdmins(auth.Fingerprint(h.token))
	block := firstBlockPoll(t, h)
	n, _ := countObjects(t, h, block.path)

	// cutHarness's attributes are 45.<10..14>.<0..199>.1: 45.10.0.0/15
	// covers two fifths of them.
	rewriteSite(t, h, dir, "guard: {never_block: {cidrs: [45.10.0.0/15]}}\n")
	cut.Store(10)
	if resp, body := h.do("DELETE", "/v1/clear_cache/all", "token", h.token); resp.StatusCode != http.StatusOK {
		t.Fatalf("clear_cache/all: %d %s", resp.StatusCode, body)
	}
	protected := func(pattern string) bool {
		return strings.HasPrefix(pattern, "[ipv4-addr:value = '45.10.") || strings.HasPrefix(pattern, "[ipv4-addr:value = '45.11.")
	}

	resp, body := h.taxiiGet(block.path + "?limit=10000&added_after=" + block.last)
	if held := resp.Header.Get("X-Cratos-Held"); resp.StatusCode != http.StatusOK || !strings.Contains(held, "reason=MISP gave") {
		t.Fatalf("poll after the reload: %d, X-Cratos-Held %q", resp.StatusCode, held)
	}
	_, objs := checkTAXII(t, resp, body)
	if len(objs) != 400 {
		t.Fatalf("held: %d object versions, want the 400 never_block keeps out revoked", len(objs))
	}
	for _, o := range objs {
		if !o.Revoked || !protected(o.Pattern) {
			t.Fatalf("held: %s (revoked %v)", o.Pattern, o.Revoked)
		}
	}
	if a, r := countObjects(t, h, block.path); a != n-400 || r != 400 {
		t.Fatalf("held: %d active, %d revoked; want %d, 400", a, r, n-400)
	}
	block.last = resp.Header.Get("X-TAXII-Date-Added-Last")
	expectHeld(t, h, block, "MISP gave") // asked again: nothing more
	holds := h.holdsSeenBy(t, h.token)
	if len(holds) != 1 || holds[0].Output != "taxii" {
		t.Fatalf("/v1/holds: %+v", holds)
	}
	if len(h.logs.Records("refresh held: only what the guard keeps out revoked")) != 1 {
		t.Error("want one log line for the hold")
	}
	metric := `cratos_list_held{feed="block",output="taxii",site="` + h.site.Name + `",type="collection"} 1`
	if _, m := h.get("/metrics"); !strings.Contains(m, metric) {
		t.Errorf("/metrics lacks %s", metric)
	}

	// Released: the refresh applies, revoking what MISP no longer gives.
	if resp, body := h.do("POST", "/v1/holds/release?id="+holds[0].ID, "token", h.token); resp.StatusCode != http.StatusOK {
		t.Fatalf("release: %d %s", resp.StatusCode, body)
	}
	released := block.poll(t)
	for _, o := range released {
		if !o.Revoked || protected(o.Pattern) {
			t.Fatalf("after the release: %s (revoked %v)", o.Pattern, o.Revoked)
		}
	}
	if a, r := countObjects(t, h, block.path); a != holds[0].Current || r != n-a || len(released) != n-400-a {
		t.Errorf("after the release: %d active, %d revoked, %d revocations polled; the hold's refresh had %d of %d",
			a, r, len(released), holds[0].Current, n)
	}
	if holds := h.holdsSeenBy(t, h.token); len(holds) != 0 {
		t.Errorf("holds after the release: %+v", holds)
	}
}
