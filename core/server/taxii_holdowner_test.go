package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
)

// TestTAXIIHoldSeenByTheUsersKeys: a held refresh of a TAXII collection
// belongs to the history's MISP user, not to the key of the poll that
// refreshed it: after a key rotation, every key of the user that has
// read the collection sees the hold in GET /v1/holds. A key of another
// user does not, nor a key whose user is not known yet (GET /v1/holds
// never asks MISP).
func TestTAXIIHoldSeenByTheUsersKeys(t *testing.T) {
	h, cut, token := cutHarness(t)
	const rotated, partner, unseen = "RotatedKeyOfTheDemoUser00000000000000000", "KeyOfAnotherUser000000000000000000000000",
		"UnseenKeyOfTheDemoUser000000000000000000"
	h.sim.AddUser(mispsim.User{Key: rotated, ID: 1, OrgID: 1, Email: "cratos-demo@example.org"})
	h.sim.AddUser(mispsim.User{Key: unseen, ID: 1, OrgID: 1, Email: "cratos-demo@example.org"})
	h.sim.AddUser(mispsim.User{Key: partner, ID: 2, OrgID: 1, Email: "partner@example.org"})
	withKey := func(key string) string { return h.withMISPKey(t, token, key) }
	original := token
	rotatedToken, partnerToken, unseenToken := withKey(rotated), withKey(partner), withKey(unseen)
	admin := withKey(strings.Repeat("c", 40))
	h.setAdmins(auth.Fingerprint(admin))

	// The original key and the partner's read the collection: their
	// users are known.
	h.token = original
	block := firstBlockPoll(t, h)
	h.token = partnerToken
	newPoller(h, "block").poll(t)

	// The key is rotated, and MISP answers a tenth of the data: the
	// refresh the rotated key's poll makes is held.
	h.token = rotatedToken
	cut.Store(10)
	if resp, body := h.do("DELETE", "/v1/clear_cache/all", "token", admin); resp.StatusCode != 200 {
		t.Fatalf("clear_cache/all: %d %s", resp.StatusCode, body)
	}
	expectHeld(t, h, block, "the refresh would revoke")

	h.sim.ResetRequests()
	h.checkHoldsSeen(t, "taxii", []holdsSeen{
		{"the key that polled", rotatedToken, 1},
		{"the user's key before the rotation", original, 1},
		{"another user's key", partnerToken, 0},
		{"a key of the user never seen", unseenToken, 0},
	})
	if reqs := h.sim.Requests(); len(reqs) != 0 {
		t.Errorf("GET /v1/holds asked MISP: %+v", reqs)
	}
}
