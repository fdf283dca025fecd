package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// TestTAXIIHeldRefreshRevokesPairs: a reload adds a never_block that
// covers one half of composite domain|ip attributes while MISP answers
// a tenth of the data. The lists of the feed, held, leave out the other
// half too (MISP drops such an attribute whole), and so must the held
// TAXII refresh: the host names paired with a protected address, and
// the addresses paired with a protected name, are revoked at once like
// the protected values themselves.
func TestTAXIIHeldRefreshRevokesPairs(t *testing.T) {
	h, block, _, n := heldPairsHarness(t)

	resp, body := h.taxiiGet(block.path + "?limit=10000&added_after=" + block.last)
	if held := resp.Header.Get("X-Cratos-Held"); resp.StatusCode != http.StatusOK || !strings.Contains(held, "reason=MISP gave") {
		t.Fatalf("poll after the reload: %d, X-Cratos-Held %q", resp.StatusCode, held)
	}
	_, objs := checkTAXII(t, resp, body)
	var revoked []string
	for _, o := range objs {
		if !o.Revoked {
			t.Fatalf("held: %s added", o.Pattern)
		}
		if !strings.HasPrefix(o.Pattern, "[ipv4-addr:value = '45.10.") {
			revoked = append(revoked, o.Pattern)
		}
	}
	var want []string
	for i := range 5 {
		want = append(want, fmt.Sprintf("[domain-name:value = 'h%d.pair.example']", i),
			fmt.Sprintf("[domain-name:value = 'n%d.own.example']", i),
			fmt.Sprintf("[ipv4-addr:value = '45.11.250.%d']", i+1),
			fmt.Sprintf("[ipv4-addr:value = '45.15.0.%d']", i+1))
	}
	for i := range 200 {
		want = append(want, fmt.Sprintf("[ipv4-addr:value = '45.11.%d.1']", i))
	}
	slices.Sort(want)
	slices.Sort(revoked)
	if len(objs) != 200+len(want) || !slices.Equal(revoked, want) {
		t.Fatalf("held: %d object versions, revoked outside 45.10/16:\n%s\nwant:\n%s", len(objs), strings.Join(revoked, "\n"), strings.Join(want, "\n"))
	}
	if a, r := countObjects(t, h, block.path); a != n-len(objs) || r != len(objs) {
		t.Fatalf("held: %d active, %d revoked; want %d, %d", a, r, n-len(objs), len(objs))
	}

	// The lists of the feed carry none of them.
	for _, typ := range []string{"hostname", "ipv4"} {
		resp, list := h.get("/v1/feed/block/type/"+typ+"/age/10y/output/txt", "token", h.token)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s list: %d %s", typ, resp.StatusCode, list)
		}
		if strings.Contains(list, "pair.example") || strings.Contains(list, "own.example") ||
			strings.Contains(list, "45.11.250.") || strings.Contains(list, "45.15.0.") {
			t.Errorf("%s list carries a half of a protected pair:\n%s", typ, list)
		}
	}
}

// heldPairsHarness is cutHarness with an event of composite domain|ip
// attributes, polled once in full (n objects) at block, then reloaded
// with a never_block covering one half of each pair while MISP answers
// a tenth of the data; skew is the export service's clock, ahead of the
// server's, moved past every lifetime.
func heldPairsHarness(t *testing.T) (h *harness, block *poller, skew *atomic.Int64, n int) {
	t.Helper()
	dir := t.TempDir()
	skew = new(atomic.Int64) // the export service's clock, ahead of the server's
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	h, cut, token := cutHarness(t, withSiteFiles(dir, "misp.example.net"), withExportClock(clock))
	h.token = token
	var pairs []mispsim.Attribute
	for i := range 5 {
		pairs = append(pairs,
			mispsim.Attribute{Type: "domain|ip", Value: fmt.Sprintf("h%d.pair.example|45.11.250.%d", i, i+1), ToIDS: true},
			mispsim.Attribute{Type: "domain|ip", Value: fmt.Sprintf("n%d.own.example|45.15.0.%d", i, i+1), ToIDS: true})
	}
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "pairs", Published: true, Tags: []string{"example:incident-classification=block"}, Attributes: pairs}); err != nil {
		t.Fatal(err)
	}
	block = newPoller(h, "block")
	if objs := block.poll(t); len(objs) < 1000 {
		t.Fatalf("first poll: %d objects", len(objs))
	}
	n, _ = countObjects(t, h, block.path)

	// cutHarness's attributes are 45.<10..14>.<0..199>.1: 45.10.0.0/15
	// covers two fifths of them and the addresses of h<i>.pair.example;
	// own.example covers the names n<i>.own.example.
	rewriteSite(t, h, dir, "guard: {never_block: {cidrs: [45.10.0.0/15], domains: [own.example]}}\n")
	cut.Store(10)
	skew.Store(int64(48 * time.Hour)) // past every lifetime and the feed's reconciliation: read in full

	return h, block, skew, n
}
