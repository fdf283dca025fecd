package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestTAXIIKeyRotation: a client whose token changes to another MISP key
// of the same MISP user keeps reading the history it read, so an
// indicator that left the feed meanwhile is revoked at it, and nothing
// it holds comes again; the key of another user reads a history of its
// own; after a restart with MISP down, the new key still finds its
// user's history (served stale).
func TestTAXIIKeyRotation(t *testing.T) {
	_, dir := openTAXIIState(t)
	h := newHarness(t, withTAXIIState(dir))
	const rotated, partner = "RotatedKeyOfTheDemoUser00000000000000000", "KeyOfAnotherUser000000000000000000000000"
	h.sim.AddUser(mispsim.User{Key: rotated, ID: 1, OrgID: 1, Email: "cratos-demo@example.org"})
	h.sim.AddUser(mispsim.User{Key: partner, ID: 2, OrgID: 1, Email: "partner@example.org"})
	tokenOf := func(key string) string {
		cl := h.claims
		cl.Key = key
		return h.mint(cl)
	}
	if _, err := h.sim.AddEvent(mispsim.Event{Info: "leaves", Published: true, OrgName: "Acme", OrgUUID: acmeUUID,
		Attributes: []mispsim.Attribute{{ID: 9001, Type: "ip-dst", Value: "203.0.113.50", ToIDS: true,
			Tags: []string{"example:incident-classification=block"}}}}); err != nil {
		t.Fatal(err)
	}
	block := newPoller(h, "block")
	held := block.poll(t)
	leaving := ""
	for _, o := range held {
		if strings.Contains(o.Pattern, "203.0.113.50") {
			leaving = o.ID
		}
	}
	if leaving == "" {
		t.Fatalf("203.0.113.50 not in the first poll: %v", patterns(held))
	}

	// The attribute is deleted, and the client's key rotated.
	if err := h.sim.EditAttribute(9001, mispsim.AttributeEdit{Deleted: true}); err != nil {
		t.Fatal(err)
	}
	h.token = tokenOf(rotated)
	got := block.poll(t)
	if len(got) != 1 || got[0].ID != leaving || !got[0].Revoked {
		t.Fatalf("after the rotation, want %s revoked alone; got %d objects: %s", leaving, len(got), summary(got))
	}

	// Another user's key: its own history, which never held the indicator.
	h.token = tokenOf(partner)
	for _, o := range newPoller(h, "block").poll(t) {
		if o.ID == leaving {
			t.Fatalf("another user's history has %s (revoked %v)", leaving, o.Revoked)
		}
	}

	// A restart with MISP down: the rotated key finds its user's history.
	h.restartWithTAXIIState(dir)
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 503})
	h.token = tokenOf(rotated)
	resp, body := h.taxiiGet(block.path + "?match[id]=" + leaving)
	_, objs := checkTAXII(t, resp, body)
	if resp.StatusCode != 200 || resp.Header.Get("X-Cache") != "STALE" || len(objs) != 1 || !objs[0].Revoked {
		t.Fatalf("after a restart with MISP down: %d %q %s", resp.StatusCode, resp.Header.Get("X-Cache"), body)
	}
}

// summary shows objects by id, revoked and pattern.
func summary(objs []testtool.TAXIIObject) string {
	var b strings.Builder
	for _, o := range objs {
		fmt.Fprintf(&b, "\n%s revoked=%v %s", o.ID, o.Revoked, o.Pattern)
	}
	return b.String()
}
