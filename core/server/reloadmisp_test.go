package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A request to a route that answers from MISP (/v1/check,
// /v1/statistics, /v1/warninglist, /v1/lookup), reading MISP when a
// reload revokes its token, gets the refusal a request after the reload
// gets, and nothing MISP answered.
func TestReloadWhileReadingMISP(t *testing.T) {
	const site = "tag: example\nmispTimeoutSeconds: 60\nallowed_ips: [127.0.0.0/8]\n"
	for _, path := range []string{
		"/v1/check",
		"/v1/statistics",
		"/v1/warninglist/id/0/output/json",
		"/v1/lookup?value=198.51.100.7",
	} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			h := newHarness(t, withGatedSite(dir, site, newGatedRenderer()))
			h.sim.ResetRequests()
			release := make(chan struct{})
			h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 10 * time.Minute, Release: release, Times: 1})
			revoked := site + "blacklisted_api_tokens: [" + auth.Fingerprint(h.token) + "]\n"
			get := func() (*http.Response, string) { return h.authed(path) }
			held := func() {
				testtool.WaitFor(t, "MISP request", time.Minute, func() bool { return len(h.sim.Requests()) > 0 })
			}
			got, after := reloadWhileWaiting(t, h, dir, revoked, get, held, func() { close(release) })
			if got.status != http.StatusForbidden || after.status != http.StatusForbidden || got.body != after.body {
				t.Errorf("waiting: %d %.200q; after the reload: %d %q; want both 403", got.status, got.body, after.status, after.body)
			}
			if strings.Contains(got.body, "198.51.100") {
				t.Errorf("MISP's answer went to a revoked token: %.200q", got.body)
			}
		})
	}
}
