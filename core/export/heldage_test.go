package export

import (
	"testing"
	"time"
)

// A held list's answers are dated by the hold's last MISP read, as its
// lifetime is: the Age a device was sent counted from the older last
// good list's read (two days with a lifetime of 100 s), so a HIT was
// already stale for any HTTP cache.
func TestHeldListReadIsTheHoldsLastRead(t *testing.T) {
	g, _, good, held, ended := newHeldRig(t, "held age test")
	heldAt := g.clock.Now()
	if !held.Read().Equal(heldAt) || !good.Read().Equal(good.Fetched) {
		t.Fatalf("shrunk build: read %s, first build read %s (want %s, %s)", held.Read(), good.Read(), heldAt, good.Fetched)
	}

	g.clock.advance(30 * time.Second)
	if res := g.get("request within the lifetime"); res.Status != Hit || !res.Read().Equal(heldAt) {
		t.Fatalf("request within the lifetime: %s, read %s (want %s, %s)", res.Status, res.Read(), Hit, heldAt)
	}
	g.clock.advance(120 * time.Second)
	if res := g.get("request past the lifetime"); res.Status != Revalidating || !res.Read().Equal(heldAt) {
		t.Fatalf("request past the lifetime: %s, read %s (want %s, %s)", res.Status, res.Read(), Revalidating, heldAt)
	}
	wantRebuilt(t, ended, "past the lifetime", false)
	rebuiltAt := g.clock.Now()
	if res := g.get("request after the rebuild held again"); res.Status != Hit || !res.Read().Equal(rebuiltAt) || res.ETag != good.ETag {
		t.Fatalf("after the rebuild held again: %s, read %s, ETag %s (want %s, %s, %s)", res.Status, res.Read(), res.ETag, Hit, rebuiltAt, good.ETag)
	}
}
