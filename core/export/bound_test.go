package export

import (
	"strconv"
	"testing"
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
		k := rig.svc.keysFor(rig.req)
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
	if got := rig.obs.fetches.Load(); got != lists {
		t.Fatalf("%d MISP queries, want %d", got, lists)
	}
}
