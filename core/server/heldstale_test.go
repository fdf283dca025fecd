package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// A held list whose rebuild fails, MISP down after its cache was cleared,
// is served STALE with its X-Cratos-Held from the first answer on: the
// first one, given by the request's own failed rebuild, said nothing of
// the hold, while the answers after it did.
func TestHeldListStaleAnswersCarryTheHold(t *testing.T) {
	h, cut, token := cutHarness(t)
	first, good := h.get(blockIPv4, "token", token)
	if first.StatusCode != 200 {
		t.Fatalf("first list: %d %s", first.StatusCode, good)
	}
	cut.Store(10)
	held := h.rebuildHeld(t, token)
	if !strings.HasPrefix(held, "id=") {
		t.Fatalf("shrunk build: X-Cratos-Held %q", held)
	}

	cut.Store(0) // MISP answered as it is: failing
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 502, RestSearchOnly: true})
	if resp, body := h.do("DELETE", "/v1/clear_cache/"+strings.TrimPrefix(blockIPv4, "/v1/"), "token", token); resp.StatusCode != 200 {
		t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
	}
	for _, step := range []string{"rebuild with MISP down", "next request"} {
		resp, body := h.get(blockIPv4, "token", token)
		if resp.StatusCode != 200 || body != good || resp.Header.Get("X-Cache") != "STALE" ||
			resp.Header.Get("ETag") != first.Header.Get("ETag") || resp.Header.Get("X-Cratos-Held") != held {
			t.Fatalf("%s: %d, X-Cache %q, ETag %q, X-Cratos-Held %q (want 200, STALE, %q, %q)", step, resp.StatusCode,
				resp.Header.Get("X-Cache"), resp.Header.Get("ETag"), resp.Header.Get("X-Cratos-Held"), first.Header.Get("ETag"), held)
		}
	}
}
