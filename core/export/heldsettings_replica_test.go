package export

import (
	"slices"
	"testing"
	"time"
)

// A replica holds a list another replica built after a reload that adds
// to never_block (the list taken from memcached, built by a replica with
// nothing to hold it against): when its own feed snapshot is still the
// MISP answer the former list was made from (taken from memcached for
// another output of the feed), the hold serves that answer under the new
// guard, as the replica that read MISP would, not the former list with
// the entries never_block now protects.
func TestReplicaHoldServesFormerContentFromItsFeedSnapshot(t *testing.T) {
	fleet := newReplicaFleet(t)
	builder, taker := fleet.replica(t), fleet.replica(t)
	req := anyFeedRequest(fleet.misp.url, "ipv4", "10y", "txt", time.Hour)
	good := builtAndTaken(t, builder, taker, req, 200)
	// Another output of the feed, built by the taker from the builder's
	// feed read: the taker's feed snapshot is the answer good was made of.
	csv := req
	csv.Output = "csv"
	if _, err := taker.svc.Get(t.Context(), csv); err != nil {
		t.Fatal(err)
	}
	if n := taker.obs.fetches.Load(); n != 0 {
		t.Fatalf("the taker read MISP %d times, want its feed snapshot taken from memcached", n)
	}

	flushMemcached(t, fleet.addr)
	newcomer := fleet.replica(t)
	fleet.clock.advance(time.Minute)
	values := listValues(good.Body)
	protected, kept := values[:20], values[20:]
	site := *req.Site
	site.Guard.NeverBlock.CIDRs = protected
	req.Site = &site
	fleet.misp.keep.Store(30)
	if shrunk, err := newcomer.svc.Get(t.Context(), req); err != nil || shrunk.Held != nil || shrunk.Entries > 30 {
		t.Fatalf("newcomer's build: %v, %d entries, held %v; want a shrunk list it cannot hold", err, shrunk.Entries, shrunk.Held)
	}
	sameGeneration(t, req, newcomer, taker)

	res, err := taker.svc.Get(t.Context(), req)
	if err != nil || res.Held == nil {
		t.Fatalf("taker: %v, held %v; want the newcomer's list held", err, res.Held)
	}
	if got := listValues(res.Body); res.Held.FormerSettings || !slices.Equal(got, kept) {
		t.Fatalf("taker served %d values (former_settings %v), want the %d former ones never_block leaves",
			len(got), res.Held.FormerSettings, len(kept))
	}
	if res.ETag == good.ETag || res.ETag != ETagOf(res.Body) {
		t.Fatalf("ETag %s for other bytes than the former list's %s", res.ETag, good.ETag)
	}
}
