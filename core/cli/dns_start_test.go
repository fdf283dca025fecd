package cli

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestDNSStartDoesNotWaitForMISP: starting the DNS primary does not wait
// for the zones' first builds, which wait for MISP (up to the site's
// mispTimeoutSeconds when it does not answer). The HTTP side starts after
// it, and while it waited, no device could fetch even the last good
// lists kept in state_dir.
func TestDNSStartDoesNotWaitForMISP(t *testing.T) {
	release := make(chan struct{})
	asked := make(chan struct{}, 1)
	misp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case asked <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}))
	t.Cleanup(misp.Close)
	t.Cleanup(func() { close(release) })

	e := startDNSE2E(t, misp.URL, 0, "      data_types: [domain]\n")
	for _, msg := range []string{"zone source failed; serving the last content", "zone updated"} {
		if n := len(e.log.Records(msg)); n != 0 {
			t.Errorf("%q logged %d times before the DNS primary had started, want none: start-up waited for the build", msg, n)
		}
	}
	// The build goes on after the start: it asks MISP.
	select {
	case <-asked:
	case <-time.After(time.Minute):
		t.Error("the zone's first build never asked MISP")
	}
}
