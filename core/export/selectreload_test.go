package export_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
)

// TestSelectionChangeRereadsFeed: a site reloaded with another tag,
// custom feed suffix or ignore_to_ids gets, at once, the list its new
// settings select, not the list (or the feed read) made under the old.
func TestSelectionChangeRereadsFeed(t *testing.T) {
	tests := []struct {
		name   string
		feed   string
		before func(*config.Site)
		after  func(*config.Site)
		want   string
	}{
		{"tag", "block", func(s *config.Site) {}, func(s *config.Site) { s.Tag = "other" }, "100.128.0.2"},
		{"custom feed suffix", "cust1",
			func(s *config.Site) {
				s.CustomFeeds = config.CustomFeeds{{Name: "cust1", Suffixes: []string{":incident-classification=block"}}}
			},
			func(s *config.Site) {
				s.CustomFeeds = config.CustomFeeds{{Name: "cust1", Suffixes: []string{":incident-classification=hunt"}}}
			},
			"100.128.0.3"},
		{"ignore_to_ids", "block", func(s *config.Site) {}, func(s *config.Site) { s.IgnoreToIDs = []string{"ipv4"} }, "100.128.0.1\n100.128.0.4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmulated(t, 0, 1000)
			e.addEventsHourOld(t, []mispsim.Event{
				{Info: "a", Published: true, Tags: []string{"cratos:incident-classification=block"},
					Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.1", ToIDS: true}, {Type: "ip-dst", Value: "100.128.0.4"}}},
				{Info: "b", Published: true, Tags: []string{"other:incident-classification=block"},
					Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.2", ToIDS: true}}},
				{Info: "c", Published: true, Tags: []string{"cratos:incident-classification=hunt"},
					Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.3", ToIDS: true}}},
			}...)
			svc := e.service(export.Options{ReconcileEvery: time.Hour})
			get := func(site *config.Site) string { return ipv4List(t, svc, e, site, tc.feed) }
			old := *e.site
			tc.before(&old)
			if got := get(&old); got != "100.128.0.1" {
				t.Fatalf("list before the change %q", got)
			}
			changed := old
			tc.after(&changed)
			if got := get(&changed); got != tc.want {
				t.Errorf("list at once after the change %q, want %q", got, tc.want)
			}
			e.clock.Add(1200) // past the refresh margin: only a refresh reads MISP
			if got := get(&changed); got != tc.want {
				t.Errorf("list once the first expired %q, want %q", got, tc.want)
			}
		})
	}
}

// TestGuardChangeKeepsFeedRead: a site reloaded with another guard gets
// its list made again under the new rules from the feed already read:
// the guard applies to what was read, and MISP is not asked again.
func TestGuardChangeKeepsFeedRead(t *testing.T) {
	e := newEmulated(t, 0, 1000)
	ev := mispsim.Event{Info: "a", Published: true, Timestamp: e.clock.Load() - 3600, Tags: []string{"cratos:incident-classification=block"},
		Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.1", ToIDS: true}, {Type: "ip-dst", Value: "100.128.0.5", ToIDS: true}}}
	if _, err := e.sim.AddEvent(ev); err != nil {
		t.Fatal(err)
	}
	svc := e.service(export.Options{ReconcileEvery: time.Hour})
	get := func(site *config.Site) string { return ipv4List(t, svc, e, site, "block") }
	if got := get(e.site); got != "100.128.0.1\n100.128.0.5" {
		t.Fatalf("list before the change %q", got)
	}
	before := e.sim.Counters().RestSearchRequests
	changed := *e.site
	changed.Guard.NeverBlock.CIDRs = []string{"100.128.0.5/32"}
	if got := get(&changed); got != "100.128.0.1" {
		t.Errorf("list under the new guard %q, want 100.128.0.1", got)
	}
	if n := e.sim.Counters().RestSearchRequests - before; n != 0 {
		t.Errorf("%d restSearch requests after a guard change, want none", n)
	}
}

// ipv4List is the txt list of feed's IPv4 addresses, fresh, as site gets
// it from the emulator, one address a line.
func ipv4List(t *testing.T, svc *export.Service, e *emulated, site *config.Site, feed string) string {
	t.Helper()
	ipv4, _ := indicator.LookupDataType("ipv4")
	res, err := svc.Get(context.Background(), export.Request{Site: site, MISPURL: e.url, MISPKey: mispsim.DefaultKey,
		Kind: export.KindFeed, Feed: feed, DataType: ipv4, Age: "1y", Output: "txt", TTL: time.Minute, WaitFresh: true})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(strings.ReplaceAll(string(res.Body), "\r", ""))
}
