package server_test

import (
	"strings"
	"testing"
)

// TestGuardKeptOutMetric: cratos_guard_kept_out counts what
// X-Cratos-Dropped says the guard kept out of a list, the IPv4 nets the
// address rules refuse before expansion included.
func TestGuardKeptOutMetric(t *testing.T) {
	h := newHarness(t)
	addGuardEvent(t, h.sim)
	resp, body := h.authed("/v1/feed/block/type/ipv4ext/age/1y/output/txt")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	dropped := resp.Header.Get("X-Cratos-Dropped")
	_, metrics := h.get("/metrics")
	for _, tc := range []struct{ rule, header string }{
		{"min_prefix", "guard: min_prefix=2"},
		{"reserved", "guard: reserved=2"},
		{"warninglist", "guard: warninglist=2"},
	} {
		if !strings.Contains(dropped, tc.header) {
			t.Errorf("X-Cratos-Dropped = %q, want it to hold %q", dropped, tc.header)
		}
		series := `cratos_guard_kept_out{data_type="ipv4ext",feed="block",output="txt",rule="` + tc.rule + `",site="127.0.0.1"} 2`
		if !strings.Contains(metrics, series+"\n") {
			t.Errorf("/metrics lacks %s", series)
		}
	}
}
