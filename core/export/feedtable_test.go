package export

import (
	"strconv"
	"testing"
	"time"
)

// The feed snapshots are bounded by count: past maxFeeds, the least
// recently used feed is dropped (its next request reads it in full), and
// a feed no list was made from for two reconciliation periods is swept.
func TestFeedSnapshotsAreBounded(t *testing.T) {
	tab := newFeedTable()
	now := time.Unix(1_800_000_000, 0)
	for i := range maxFeeds + 10 {
		st, _ := tab.m.LoadOrStore("feed"+strconv.Itoa(i), &feedState{})
		st.used.Store(now.Unix())
		if i == maxFeeds-1 {
			tab.m.Get("feed0") // used again, before the table is full
		}
	}
	if n := tab.m.Len(); n != maxFeeds {
		t.Fatalf("%d feed snapshots held, want %d", n, maxFeeds)
	}
	for _, tc := range []struct {
		key  string
		held bool
	}{{"feed0", true}, {"feed1", false}, {"feed10", false}, {"feed11", true}, {strconv.Itoa(maxFeeds + 9), false}, {"feed" + strconv.Itoa(maxFeeds+9), true}} {
		if _, ok := tab.m.Get(tc.key); ok != tc.held {
			t.Errorf("%s held %v, want %v", tc.key, ok, tc.held)
		}
	}

	old, _ := tab.m.Get("feed11")
	old.used.Store(now.Add(-3 * time.Hour).Unix())
	for range 256 { // the sweep runs once every 256 lookups
		tab.sweep(now, time.Hour)
	}
	if _, ok := tab.m.Get("feed11"); ok {
		t.Error("a feed unused for three reconciliation periods is still held")
	}
	if n := tab.m.Len(); n != maxFeeds-1 {
		t.Errorf("%d feed snapshots held after the sweep, want %d", n, maxFeeds-1)
	}
}
