package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/auth"
)

// TestHoldsOfOtherMISPKeysHidden: GET /v1/holds shows a token the holds
// of lists built with its own MISP key: tokens of other MISP keys (MISP
// users who may see other data) do not see them, nor their entry
// counts. An admin token sees and releases every hold of its site.
func TestHoldsOfOtherMISPKeysHidden(t *testing.T) {
	h, cut, token := cutHarness(t)
	withKey := func(key string) string { return h.withMISPKey(t, token, key) }
	sameKey, otherKey, admin := withKey(h.claims.Key), withKey(strings.Repeat("b", 40)), withKey(strings.Repeat("c", 40))
	h.setAdmins(auth.Fingerprint(admin))
	build := func() string { return h.rebuildHeld(t, token) }
	build()
	cut.Store(10)
	if build() == "" {
		t.Fatal("a list of a tenth of the entries was not held")
	}
	h.checkHoldsSeen(t, "", []holdsSeen{
		{"the token that built it", token, 1},
		{"another token of the same MISP key", sameKey, 1},
		{"a token of another MISP key", otherKey, 0},
		{"an admin token of another MISP key", admin, 1},
	})
	if resp, body := h.do("POST", "/v1/holds/release", "token", otherKey); resp.StatusCode != 403 {
		t.Errorf("release by a token of another MISP key: %d %s", resp.StatusCode, body)
	}
	if resp, body := h.do("POST", "/v1/holds/release", "token", admin); resp.StatusCode != 200 || !strings.Contains(body, `"rebuilt_entries":101`) {
		t.Errorf("release by an admin token: %d %s", resp.StatusCode, body)
	}
}
