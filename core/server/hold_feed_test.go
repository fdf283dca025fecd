package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/export"
)

// TestHoldsOfARemovedCustomFeedGo: once a reload removes a custom feed,
// its held lists leave /v1/status and cratos_list_held, as those of a
// removed site do: the feed is refused before any build, so no build
// would end them.
func TestHoldsOfARemovedCustomFeedGo(t *testing.T) {
	dir := t.TempDir()
	const other = "misp.example.net"
	h, cut, token := cutHarness(t, withSiteFiles(dir, other))
	file := filepath.Join(dir, h.site.Name+".yaml")
	site, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	reload := func(text string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if errs := h.sites.Reload(); len(errs) != 0 {
			t.Fatal(errs)
		}
	}
	reload(string(site) + "custom_feeds: {cust1: \":incident-classification=block\"}\n")
	admin := h.mint(auth.Claims{Proto: "https", Port: 443, Host: other, Key: strings.Repeat("a", 40), Expires: "2099-01-01"})
	h.setAdmins(auth.Fingerprint(admin))
	const cust1 = "/v1/feed/cust1/type/ipv4/age/1y/output/txt"
	build := func() string { return h.rebuildListHeld(t, cust1, token) }
	held := func() []export.Hold {
		t.Helper()
		var out struct {
			Held []export.Hold `json:"held"`
		}
		getJSON(t, h, "/v1/status?sites=0", &out, "token", admin)
		return out.Held
	}
	build()
	cut.Store(10)
	if build() == "" {
		t.Fatal("a list of a tenth of the entries was not held")
	}
	if got := held(); len(got) != 1 || got[0].Feed != "cust1" {
		t.Fatalf("held in /v1/status: %+v", got)
	}
	reload(string(site))
	if resp, body := h.get(cust1, "token", token); resp.StatusCode != 404 {
		t.Fatalf("the removed feed after the reload: %d %s", resp.StatusCode, body)
	}
	if got := held(); len(got) != 0 {
		t.Errorf("held in /v1/status after the feed was removed: %+v", got)
	}
	held1 := `cratos_list_held{feed="cust1",output="txt",site="` + h.site.Name + `",type="ipv4"} 1`
	if _, text := h.get("/metrics"); strings.Contains(text, held1+"\n") {
		t.Errorf("cratos_list_held after the feed was removed:\n%s", grepLines(text, "cratos_list_held"))
	}
}
