package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTAXIIHeldPairsStayRevokedOnReread: the halves of composite
// attributes a held TAXII refresh revoked under a new never_block stay
// revoked when MISP, read again, gives the same shrunk answer: the
// settings are the same, and the feed's held lists still leave them out.
// They were carried again, as new objects, as if the settings had been
// taken back.
func TestTAXIIHeldPairsStayRevokedOnReread(t *testing.T) {
	h, block, skew, _ := heldPairsHarness(t)
	resp, _ := h.taxiiGet(block.path + "?limit=10000&added_after=" + block.last)
	if held := resp.Header.Get("X-Cratos-Held"); resp.StatusCode != http.StatusOK || !strings.Contains(held, "reason=MISP gave") {
		t.Fatalf("poll after the reload: %d, X-Cratos-Held %q", resp.StatusCode, held)
	}
	block.last = resp.Header.Get("X-TAXII-Date-Added-Last")
	a, r := countObjects(t, h, block.path)

	skew.Add(int64(48 * time.Hour)) // MISP read again, giving the same tenth
	resp, body := h.taxiiGet(block.path + "?limit=10000&added_after=" + block.last)
	if held := resp.Header.Get("X-Cratos-Held"); resp.StatusCode != http.StatusOK || !strings.Contains(held, "reason=MISP gave") {
		t.Fatalf("poll after MISP's second answer: %d, X-Cratos-Held %q", resp.StatusCode, held)
	}
	if _, objs := checkTAXII(t, resp, body); len(objs) != 0 {
		t.Errorf("poll after MISP's second answer: %d object versions, want none:\n%s", len(objs), strings.Join(patterns(objs), "\n"))
	}
	if a2, r2 := countObjects(t, h, block.path); a2 != a || r2 != r {
		t.Errorf("after MISP's second answer: %d active, %d revoked; want %d, %d", a2, r2, a, r)
	}
}
