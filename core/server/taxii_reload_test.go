package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"

	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A TAXII poll reading MISP when a reload changes its site's guard,
// stix21 options or feeds is answered as a poll after the reload is:
// the collection is refreshed under the site loaded now, never under
// the one it was authorized with (a never_block just added would stay
// on the collection until the next poll revoked it).
func TestReloadWhileACollectionIsRead(t *testing.T) {
	const site = "tag: example\nmispTimeoutSeconds: 60\nallowed_ips: [127.0.0.0/8]\n"
	const withCust1 = site + "custom_feeds: {cust1: \":incident-classification=block\"}\n"
	cases := []struct {
		name    string
		feed    string
		reload  string // the site file after the reload
		status  int
		has     string // in the waiting poll's answer
		hasNot  string // not in it
		isAfter bool   // the waiting poll's answer is the next poll's
	}{
		{name: "never_block added", feed: "block", reload: withCust1 + "guard: {never_block: {cidrs: [198.51.100.7/32]}}\n",
			status: http.StatusOK, has: "198.51.100.10", hasNot: "198.51.100.7'", isAfter: true},
		{name: "identity renamed", feed: "block", reload: withCust1 + "renderers: {stix21: {identity_name: Reloaded SOC}}\n",
			status: http.StatusOK, has: "Reloaded SOC", isAfter: true},
		{name: "custom feed removed", feed: "cust1", reload: site, status: http.StatusNotFound, hasNot: "198.51.100", isAfter: true},
		{name: "another site setting", feed: "block", reload: strings.Replace(withCust1, "127.0.0.0/8", "127.0.0.0/8, 192.0.2.0/24", 1),
			status: http.StatusOK, has: "198.51.100.7'", isAfter: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			h := newHarness(t, withGatedSite(dir, withCust1, newGatedRenderer()))
			path := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, tc.feed) + "/objects/"
			release := make(chan struct{})
			h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 10 * time.Minute, Release: release, RestSearchOnly: true, Times: 1})
			before := h.sim.RestSearchCount()
			get := func() (*http.Response, string) { return h.taxiiGet(path) }
			held := func() {
				testtool.WaitFor(t, "MISP search", time.Minute, func() bool { return h.sim.RestSearchCount() > before })
			}
			got, after := reloadWhileWaiting(t, h, dir, tc.reload, get, held, func() { close(release) })
			if got.status != tc.status || after.status != tc.status {
				t.Fatalf("waiting: %d %.300q; after the reload: %d %.300q; want both %d", got.status, got.body, after.status, after.body, tc.status)
			}
			if tc.has != "" && !strings.Contains(got.body, tc.has) || tc.hasNot != "" && strings.Contains(got.body, tc.hasNot) {
				t.Errorf("waiting poll's answer: %q; want %q in it and not %q", got.body, tc.has, tc.hasNot)
			}
			if tc.isAfter && got.body != after.body {
				t.Errorf("waiting poll's answer %q; the next poll's %q", got.body, after.body)
			}
		})
	}
}
