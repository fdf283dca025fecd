package export_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
)

// With room for one feed snapshot, reading a second feed drops the first,
// whose next list reads MISP in full; with room for both, it is refreshed.
func TestFeedSnapshotBudgetDropsTheLeastRecent(t *testing.T) {
	tests := []struct {
		name      string
		budget    int64
		wantFull  bool
		wantDrops bool
	}{
		{"room for both", 1 << 30, false, false},
		{"room for one", 1, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmulated(t, 0, 1000)
			for _, feed := range []string{"block", "alert"} {
				if _, err := e.sim.AddEvent(mispsim.Event{Info: feed, Published: true, Tags: []string{"cratos:incident-classification=" + feed},
					Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.1", ToIDS: true}}}); err != nil {
					t.Fatal(err)
				}
			}
			var log strings.Builder
			svc := e.service(export.Options{FeedBytes: tc.budget, Logger: slog.New(slog.NewTextHandler(&log, nil))})
			ipv4, _ := indicator.LookupDataType("ipv4")
			get := func(feed string) {
				t.Helper()
				if _, err := svc.Get(context.Background(), export.Request{Site: e.site, MISPURL: e.url, MISPKey: mispsim.DefaultKey,
					Kind: export.KindFeed, Feed: feed, DataType: ipv4, Age: "1y", Output: "txt", TTL: time.Minute, WaitFresh: true}); err != nil {
					t.Fatal(err)
				}
			}
			get("block")
			log.Reset()
			get("alert")
			if drops := strings.Contains(log.String(), "feed snapshots dropped"); drops != tc.wantDrops {
				t.Errorf("a drop logged %v, want %v:\n%s", drops, tc.wantDrops, log.String())
			}
			e.clock.Add(120)
			log.Reset()
			get("block")
			if full := strings.Contains(log.String(), `msg="MISP pull started" site=127.0.0.1 kind=feed feed=block full=true`); full != tc.wantFull {
				t.Errorf("block read in full %v, want %v:\n%s", full, tc.wantFull, log.String())
			}
		})
	}
}
