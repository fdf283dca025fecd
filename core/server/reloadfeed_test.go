package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The first request after a reload that removes a custom feed, changes
// its tag or a renderer option gets what the new site file says: a
// removed feed the 404 of a feed never configured, the others the list
// built under the new settings, never the list served before the reload.
func TestFirstRequestAfterAReloadFollowsTheNewSiteFile(t *testing.T) {
	const site = "tag: example\nmispTimeoutSeconds: 30\nallowed_ips: [127.0.0.0/8]\n"
	const withCust1 = site + "custom_feeds: {cust1: \":incident-classification=cust1\"}\n"
	const cust1 = "/v1/feed/cust1/type/ipv4/age/1y/output/txt"
	cases := []struct {
		name   string
		reload string // the site file after the reload
		path   string // the list asked for before and after the reload
		want   string // a path whose answer, after the reload, path's must be
	}{
		{"custom feed removed", site, cust1, "/v1/feed/cust2/type/ipv4/age/1y/output/txt"},
		{"custom feed removed, vendor route", site, "/v1/vendor/paloalto/feed/cust1/type/ipv4/age/1y",
			"/v1/vendor/paloalto/feed/cust2/type/ipv4/age/1y"},
		{"custom feed given another tag", site + "custom_feeds: {cust1: \":incident-classification=block\"}\n",
			cust1, "/v1/feed/block/type/ipv4/age/1y/output/txt"},
		{"renderer option changed", withCust1 + "renderers: {txt: {line_ending: lf}}\n",
			cust1, cust1 + "?cache=60"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			h := newHarness(t, withGatedSite(dir, withCust1, newGatedRenderer()))
			for range 2 { // built, then from the cache
				if resp, body := h.authed(tc.path); resp.StatusCode != http.StatusOK {
					t.Fatalf("before the reload: %d %q", resp.StatusCode, body)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, h.site.Name+".yaml"), []byte(tc.reload), 0o600); err != nil {
				t.Fatal(err)
			}
			if errs := h.sites.Reload(); len(errs) != 0 {
				t.Fatal(errs)
			}
			for _, step := range []string{"first request", "second request"} {
				resp, body := h.authed(tc.path)
				wantResp, want := h.authed(tc.want)
				// A feed never configured is named in the refusal.
				want = strings.ReplaceAll(want, `\"cust2\"`, `\"cust1\"`)
				if resp.StatusCode != wantResp.StatusCode || body != want {
					t.Errorf("%s after the reload: %d %q; want %d %q", step, resp.StatusCode, body, wantResp.StatusCode, want)
				}
			}
		})
	}
}
