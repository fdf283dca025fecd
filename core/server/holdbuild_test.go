package server_test

import "testing"

// blockIPv4 is the list the circuit-breaker tests hold.
const blockIPv4 = "/v1/feed/block/type/ipv4/age/1y/output/txt"

// rebuildHeld clears blockIPv4 from the cache, asks it again with token,
// and returns the answer's X-Cratos-Held.
func (h *harness) rebuildHeld(t *testing.T, token string) string {
	t.Helper()
	if resp, body := h.do("DELETE", "/v1/clear_cache/feed/block/type/ipv4/age/1y/output/txt", "token", token); resp.StatusCode != 200 {
		t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
	}
	resp, body := h.get(blockIPv4, "token", token)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	return resp.Header.Get("X-Cratos-Held")
}
