package export

import (
	"testing"
	"time"
)

// A replica holds a stix21 list it builds against the list it last
// served, not against the newer bundle another replica left in memcached
// for versioning: that bundle may be one its builder could not hold.
// Here a replica that never served the list (started after a restart of
// memcached) builds it from an empty MISP answer with nothing to compare
// it with; the replica whose devices hold the full bundle, rebuilding it
// from the same empty feed, holds it.
func TestStixBuildHeldAgainstItsOwnLastList(t *testing.T) {
	fleet := newReplicaFleet(t)
	served := fleet.replica(t)
	req := anyFeedRequest(fleet.misp.url, "ipv4", "10y", "stix21", time.Hour)
	req.WaitFresh = true // past its lifetime, a list is rebuilt before it is served
	good, err := served.svc.Get(t.Context(), req)
	if err != nil || good.Entries < 100 {
		t.Fatalf("build: %v, %d entries", err, good.Entries)
	}

	flushMemcached(t, fleet.addr)
	newcomer := fleet.replica(t)
	fleet.clock.advance(2 * time.Hour) // past the full list's lifetime
	fleet.misp.keep.Store(0)
	wantEmptyBuild(t, newcomer, req)
	nsArtifact := sameGeneration(t, req, newcomer, served)
	if err := newcomer.mc.Delete(t.Context(), nsArtifact); err != nil {
		t.Fatal(err) // the replica builds its own list
	}
	res, err := served.svc.Get(t.Context(), req)
	if err != nil || res.Held == nil || res.ETag != good.ETag || res.Entries != good.Entries {
		t.Fatalf("rebuilt after the newcomer's empty bundle: %v %v, held %v, %d entries, ETag %s; want held, %d entries, ETag %s",
			res.Status, err, res.Held, res.Entries, res.ETag, good.Entries, good.ETag)
	}
}
