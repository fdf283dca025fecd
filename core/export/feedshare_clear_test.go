package export

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// A clear_cache of a feed in one replica reaches the feed snapshot
// another replica holds: that replica's next list reads the feed in full,
// so it holds what only a full read finds (here an event synchronised
// with old timestamps), not a refresh of what it read before the clear.
func TestClearInOneReplicaDropsAnothersFeedSnapshot(t *testing.T) {
	f := newSharedFeed(t, 2)
	clearing, holding := f.replicas[0], f.replicas[1]
	req := f.request("ipv4", "10y")
	ctx := context.Background()
	if _, err := holding.svc.Get(ctx, req); err != nil {
		t.Fatal(err)
	}
	old := f.clock.Load() - 86400
	if _, err := f.sim.AddEvent(mispsim.Event{Info: "synchronised", Published: true, Timestamp: old, PublishTimestamp: old,
		Tags:       []string{"cratos:incident-classification=block"},
		Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.7.7", ToIDS: true, Timestamp: old}}}); err != nil {
		t.Fatal(err)
	}
	before := holding.svc.feedShareKey(ctx, req)
	if err := clearing.svc.Clear(ctx, req); err != nil {
		t.Fatal(err)
	}
	// The holding replica reads the feed's generation again within a
	// second.
	for deadline := time.Now().Add(time.Minute); holding.svc.feedShareKey(ctx, req) == before; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the holding replica never saw the clear")
		}
	}
	f.clock.Add(120) // past the list's lifetime
	res, err := holding.svc.Get(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Body), "100.128.7.7") {
		t.Errorf("the list after the clear lacks what a full read finds; log:\n%s", holding.log.String())
	}
}
