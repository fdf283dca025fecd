package export

import (
	"strconv"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

// The caches hold at most HotBytes of lists, HotBytes of snapshots and
// StaleBytes of last good lists (the README's bound, with HotBytes as
// cache_max_bytes), however many lists are built.
func TestCachesStayWithinTheirBudget(t *testing.T) {
	const hot, stale = 30 << 10, 4 << 10
	rig := newSWRRig(t, newGatedMISP(t), Options{HotBytes: hot, StaleBytes: stale})
	const lists = 40
	var listBytes, snapBytes int64
	var firstKey string
	for day := 1; day <= lists; day++ {
		rig.req.Age = strconv.Itoa(day) + "d"
		res := rig.get(t, Miss)
		if day == 1 {
			firstKey = rig.svc.keysFor(rig.req).artifact
		}
		listBytes += artifactSize("", res.Artifact)
		arts, snaps := rig.svc.arts.Bytes(), rig.svc.snaps.Bytes()
		k := rig.svc.listKeys(rig.req)
		snap, ok := rig.svc.snaps.Get(rig.svc.opts.Namespace.Key(t.Context(), k.group, k.snapshot))
		if !ok {
			t.Fatalf("list %d: its snapshot is not held", day)
		}
		snapBytes += snapshotSize("", snap)
		if arts.Local > hot || snaps.Local > hot || arts.LastGood > stale || snaps.LastGood != 0 {
			t.Fatalf("after %d lists: lists %d, snapshots %d (budget %d each), last good %d (budget %d), snapshots' last good %d",
				day, arts.Local, snaps.Local, hot, arts.LastGood, stale, snaps.LastGood)
		}
		if total := arts.Local + snaps.Local + arts.LastGood; total > 2*hot+stale {
			t.Fatalf("after %d lists the caches hold %d bytes, over the bound %d", day, total, 2*hot+stale)
		}
	}
	// The test is only worth something if what was built did not fit.
	if listBytes <= hot+stale || snapBytes <= hot {
		t.Fatalf("built %d bytes of lists and %d of snapshots: not past the budgets", listBytes, snapBytes)
	}
	if _, ok := rig.svc.arts.LastGood(firstKey); ok {
		t.Fatal("the first list's last good copy is still held past the budget")
	}
	if got := rig.svc.arts.Bytes().LastGood; got == 0 {
		t.Fatal("no last good list held")
	}
	// Every age is selected from the one read of the feed.
	if got := rig.obs.fetches.Load(); got != 1 {
		t.Fatalf("%d MISP queries for %d lists of one feed, want 1", got, lists)
	}
}

// Replicas sharing memcached, asked for the same lists at once: the lease
// makes one of them query MISP per list, and what the others take from
// memcached (waiting for the holder or not) is charged to their caches
// like a list built in process, so each replica stays within the bound.
func TestReplicasStayWithinTheirBudget(t *testing.T) {
	const hot, stale = 2 << 10, 512 // the lists of the last days are small
	addr, _ := memcachedtest.Start(t)
	misp := newGatedMISP(t)
	budget := func(o *Options) { o.HotBytes, o.StaleBytes = hot, stale }
	replicas := []*replica{newReplica(t, addr, budget), newReplica(t, addr, budget)}
	const lists = 20
	req := leaseRequest(misp, "txt", time.Hour)
	var listBytes, snapBytes int64
	for day := 1; day <= lists; day++ {
		req.Age = strconv.Itoa(day) + "d"
		results := getAll(t, replicas, req, func() {})
		listBytes += artifactSize("", results[0].Artifact)
		snapBytes += heldSnapshotSize(t, replicas, req)
		if results[0].ETag != results[1].ETag {
			t.Fatalf("list %d: the replicas serve ETags %s and %s", day, results[0].ETag, results[1].ETag)
		}
		for i, rp := range replicas {
			arts, snaps := rp.svc.arts.Bytes(), rp.svc.snaps.Bytes()
			if arts.Local > hot || snaps.Local > hot || arts.LastGood > stale || snaps.LastGood != 0 {
				t.Fatalf("replica %d after %d lists: lists %d, snapshots %d (budget %d each), last good %d (budget %d)",
					i, day, arts.Local, snaps.Local, hot, arts.LastGood, stale)
			}
		}
	}
	// Each replica keeps its own feed snapshot: the one that takes a
	// list's lease first reads the feed, once, and selects every later age
	// from that read; memcached carries the lists and list snapshots, not
	// the feed snapshots.
	for i, rp := range replicas {
		if n := rp.obs.fetches.Load(); n > 1 {
			t.Fatalf("replica %d queried MISP %d times for %d ages of one feed, want at most 1", i, n, lists)
		}
	}
	if n := fetchesOf(replicas); n == 0 {
		t.Fatal("no replica queried MISP")
	}
	if listBytes <= hot+stale || snapBytes <= hot {
		t.Fatalf("built %d bytes of lists and %d of snapshots: not past the budgets", listBytes, snapBytes)
	}
}

// heldSnapshotSize is the size of req's snapshot, held by the replica
// that fetched it.
func heldSnapshotSize(t *testing.T, replicas []*replica, req Request) int64 {
	t.Helper()
	for _, rp := range replicas {
		k := rp.svc.listKeys(req)
		if snap, ok := rp.svc.snaps.Get(rp.svc.opts.Namespace.Key(t.Context(), k.group, k.snapshot)); ok {
			return snapshotSize("", snap)
		}
	}
	t.Fatal("no replica holds the snapshot")
	return 0
}
