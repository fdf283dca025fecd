package server_test

import (
	"strings"
	"testing"
)

// TestConsoleHoldListPath: the console names a held list by the URL
// devices ask it at, for an organisation's list and a vendor list too.
func TestConsoleHoldListPath(t *testing.T) {
	const localOrg = "5c6983c8-3af8-4b9e-8a3e-4c0a0a0a0a01" // mispsim's own organisation, owner of cutHarness's event
	for _, list := range []string{
		"/v1/feed/block/type/ipv4/age/1y/output/txt",
		"/v1/uuid/" + localOrg + "/type/ipv4/age/1y/output/txt",
		"/v1/vendor/paloalto/feed/block/type/ipv4/age/1y",
	} {
		t.Run(list, func(t *testing.T) {
			h, cut, token := cutHarness(t, asAdmin())
			h.rebuildListHeld(t, list, token)
			cut.Store(10)
			if held := h.rebuildListHeld(t, list, token); held == "" {
				t.Fatal("a list of a tenth of the entries was not held")
			}
			_, page := h.get("/ui/", "Cookie", "cratos_console="+h.login(t))
			_, holds, _ := strings.Cut(page, `<h2 id="holds">`)
			holds, _, _ = strings.Cut(holds, `<h2 id="feeds">`)
			if want := `<td class="path">` + list + `</td>`; !strings.Contains(holds, want) {
				t.Errorf("guard holds lack %s:\n%s", want, holds)
			}
		})
	}
}
