package export

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// The feed snapshots are bounded by count: past maxFeeds, the least
// recently used feed is dropped (its next request reads it in full), and
// a feed no list was made from for two reconciliation periods is swept.
func TestFeedSnapshotsAreBounded(t *testing.T) {
	tab := newFeedTable(config.DefaultFeedSnapshotMaxBytes)
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

// The feed snapshots are bounded by bytes too: a snapshot that grows
// drops the least recently used others past the budget, and is kept even
// when it alone is over it; each drop is logged.
func TestFeedSnapshotsStayWithinTheirBudget(t *testing.T) {
	var log strings.Builder
	logger := slog.New(slog.NewTextHandler(&log, nil))
	tab := newFeedTable(100)
	grow := func(key string, bytes int64) {
		st, _ := tab.m.LoadOrStore(key, &feedState{})
		st.bytes.Store(bytes)
		tab.charge(key, logger)
	}
	steps := []struct {
		key     string
		bytes   int64
		want    []string // held, most recent first
		dropped bool     // logged
	}{
		{"a", 40, []string{"a"}, false},
		{"b", 40, []string{"b", "a"}, false},
		{"c", 30, []string{"c", "b"}, true},
		{"b", 10, []string{"b", "c"}, false},
		{"d", 150, []string{"d"}, true},
	}
	for i, s := range steps {
		log.Reset()
		grow(s.key, s.bytes)
		var held []string
		for k := range tab.m.All() {
			held = append(held, k)
		}
		if strings.Join(held, ",") != strings.Join(s.want, ",") {
			t.Errorf("step %d (%s: %d bytes): held %v, want %v", i, s.key, s.bytes, held, s.want)
		}
		if got := strings.Contains(log.String(), "feed snapshots dropped to stay within feed_snapshot_max_bytes"); got != s.dropped {
			t.Errorf("step %d: logged a drop %v, want %v: %s", i, got, s.dropped, log.String())
		}
	}
	if got := tab.m.Bytes(); got != 150 {
		t.Errorf("charged %d bytes, want 150", got)
	}
}
