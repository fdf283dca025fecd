package export

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// sourceOf is a ViewSource of snapshots read at the given times.
func sourceOf(key string, read ...time.Time) ViewSource {
	var b []byte
	for _, t := range read {
		b = binary.BigEndian.AppendUint64(b, uint64(t.UnixNano()))
	}
	return ViewSource{key: key, fetched: string(b)}
}

func TestViewSourceOlderThan(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	t1, t2 := now.Add(-10*time.Minute), now.Add(-5*time.Minute)
	ahead := now.Add(2 * clockSlack)
	tests := []struct {
		name    string
		s       ViewSource
		applied any
		want    bool
	}{
		{"one snapshot read earlier", sourceOf("a", t1), sourceOf("b", t2), true},
		{"one snapshot read later", sourceOf("a", t2), sourceOf("b", t1), false},
		{"read at the same time", sourceOf("a", t1), sourceOf("b", t1), false},
		{"one of two read earlier", sourceOf("a", t1, t2), sourceOf("b", t2, t2), true},
		{"one earlier, one later", sourceOf("a", t1, t2), sourceOf("b", t2, t1), false},
		{"other snapshots", sourceOf("a", t1), sourceOf("b", t2, t2), false},
		{"not a view's source", sourceOf("a", t1), "b", false},
		{"nothing applied", sourceOf("a", t1), nil, false},
		{"applied read ahead of now: the clock was set back", sourceOf("a", t1), sourceOf("b", ahead), false},
		{"applied read just ahead of now", sourceOf("a", t1), sourceOf("b", now.Add(clockSlack/2)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.OlderThan(tt.applied, now); got != tt.want {
				t.Errorf("OlderThan = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFeedViewSourcesOrdered: a feed's view taken before its snapshot
// was refreshed is older than one taken after, and the same snapshots
// give the same source.
func TestFeedViewSourcesOrdered(t *testing.T) {
	rig := newSWRRig(t, newGatedMISP(t), Options{})
	view := func() FeedView {
		t.Helper()
		v, err := rig.svc.FeedView(context.Background(), rig.req, indicator.SetOf(indicator.IPv4), indicator.LookupDataType)
		if err != nil {
			t.Fatalf("feed view: %v", err)
		}
		return v
	}
	before := view()
	if again := view(); again.Source != before.Source {
		t.Fatal("the same snapshots gave another source")
	}
	// Past the lifetime, the view waits for its snapshot's refresh.
	rig.clock.advance(rig.req.TTL + 5*time.Second)
	after := view()
	now := rig.clock.Now()
	if after.Source == before.Source || !before.Source.OlderThan(after.Source, now) || after.Source.OlderThan(before.Source, now) {
		t.Fatalf("refreshed: same %v, before older %v, after older %v", after.Source == before.Source,
			before.Source.OlderThan(after.Source, now), after.Source.OlderThan(before.Source, now))
	}
}
