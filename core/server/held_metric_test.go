package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/export"
)

// TestHeldMetricFollowsRelease: cratos_list_held agrees with /v1/holds
// at every scrape: an admin's release ends the hold in the gauge at
// once, not at the next build.
func TestHeldMetricFollowsRelease(t *testing.T) {
	h, cut, token := cutHarness(t)
	const series = `cratos_list_held{feed="block",output="txt",site="127.0.0.1",type="ipv4"} `
	build := func() string { return h.rebuildHeld(t, token) }
	holds := func() []export.Hold { return h.holdsSeenBy(t, token) }
	heldValue := func() string {
		t.Helper()
		_, text := h.get("/metrics")
		for _, line := range strings.Split(text, "\n") {
			if v, ok := strings.CutPrefix(line, series); ok {
				return v
			}
		}
		return ""
	}

	if held := build(); held != "" {
		t.Fatalf("the first list is held: %s", held)
	}
	cut.Store(10)
	if held := build(); held == "" {
		t.Fatal("a list of a tenth of the entries was not held")
	}
	if got := holds(); len(got) != 1 {
		t.Fatalf("/v1/holds: %+v", got)
	}
	if v := heldValue(); v != "1" {
		t.Fatalf("held: %s%q, want 1", series, v)
	}
	h.setAdmins(auth.Fingerprint(token))
	if resp, body := h.do("POST", "/v1/holds/release", "token", token); resp.StatusCode != 200 {
		t.Fatalf("release: %d %s", resp.StatusCode, body)
	}
	if got := holds(); len(got) != 0 {
		t.Fatalf("/v1/holds after the release: %+v", got)
	}
	if v := heldValue(); v != "0" {
		t.Errorf("released, not yet rebuilt: %s%q, want 0", series, v)
	}
	if held := build(); held != "" {
		t.Fatalf("the released list is still held: %s", held)
	}
	if v := heldValue(); v != "0" {
		t.Errorf("rebuilt: %s%q, want 0", series, v)
	}
}
