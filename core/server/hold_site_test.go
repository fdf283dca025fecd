package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
)

// withSiteFiles serves the harness site from a file in dir, beside the
// site other (allowed from loopback), so a test can remove it and reload.
func withSiteFiles(dir, other string) harnessOption {
	return func(h *harness) {
		h.t.Helper()
		files := map[string]string{
			h.site.Name: siteFileOf,
			other:       "tag: example\nallowed_ips: [127.0.0.0/8]\n",
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(body), 0o600); err != nil {
				h.t.Fatal(err)
			}
		}
		sites, err := config.LoadSites(dir, nil)
		if err != nil {
			h.t.Fatal(err)
		}
		h.sites = sites
	}
}

// TestHoldsOfARemovedSiteGo: once a reload removes a site, its held
// lists leave /v1/status and the console, as they leave cratos_list_held:
// they are never built again, so nothing else would end them.
func TestHoldsOfARemovedSiteGo(t *testing.T) {
	dir := t.TempDir()
	const other = "misp.example.net"
	h, cut, token := cutHarness(t, withSiteFiles(dir, other))
	admin := h.mint(auth.Claims{Proto: "https", Port: 443, Host: other, Key: strings.Repeat("a", 40), Expires: "2099-01-01"})
	h.setAdmins(auth.Fingerprint(admin))
	build := func() string { return h.rebuildHeld(t, token) }
	held := func() []export.Hold { return h.holdsAt(t, "/v1/status?sites=0", admin) }
	build()
	cut.Store(10)
	if build() == "" {
		t.Fatal("a list of a tenth of the entries was not held")
	}
	if got := held(); len(got) != 1 || got[0].Site != h.site.Name {
		t.Fatalf("held in /v1/status: %+v", got)
	}
	if err := os.Remove(filepath.Join(dir, h.site.Name+".yaml")); err != nil {
		t.Fatal(err)
	}
	if errs := h.sites.Reload(); len(errs) != 0 {
		t.Fatal(errs)
	}
	if got := held(); len(got) != 0 {
		t.Errorf("held in /v1/status after the site was removed: %+v", got)
	}
	if _, text := h.get("/metrics"); strings.Contains(text, `cratos_list_held{feed="block"`) {
		t.Errorf("cratos_list_held after the site was removed:\n%s", grepLines(text, "cratos_list_held"))
	}
}

// siteFileOf is the site file withSiteFiles writes for the harness's site.
const siteFileOf = "tag: example\nmispTimeoutSeconds: 2\npage_size: 1000\nallowed_ips: [127.0.0.0/8]\n"

// rewriteSite writes h's site file in dir as withSiteFiles does, with
// extra (a guard, say) after it, and reloads the sites, as a SIGHUP
// would.
func rewriteSite(t *testing.T, h *harness, dir, extra string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, h.site.Name+".yaml"), []byte(siteFileOf+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	if errs := h.sites.Reload(); len(errs) != 0 {
		t.Fatal(errs)
	}
}
