package export_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// A setting that is part of a list's cache key (a guard rule, a renderer
// option) puts the list under a new key, but a TIP holds the bundle last
// served under the old one: an indicator's modified time never goes back
// from it, also after a restart with the shared level (the list's last
// key) and the state directory (its last good list).
func TestBundleModifiedNeverGoesBackAcrossSettings(t *testing.T) {
	tests := []struct {
		name    string
		restart bool
		change  func(s *config.Site)
	}{
		{"never_block", false, func(s *config.Site) { s.Guard.NeverBlock.CIDRs = []string{"100.128.0.9"} }},
		{"min_prefix_v4", false, func(s *config.Site) { s.Guard.MinPrefixV4 = 16 }},
		{"renderer option", false, func(s *config.Site) {
			s.Renderers = map[string]map[string]string{stix21.Name: {stix21.OptIdentityName: stix21.DefaultIdentityName}}
		}},
		{"never_block, restart", true, func(s *config.Site) { s.Guard.NeverBlock.CIDRs = []string{"100.128.0.9"} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmulated(t, 0, 1000)
			now := e.now().Unix()
			block := []string{"cratos:incident-classification=block"}
			for i, ts := range []int64{now - 7200, now - 3600} {
				if _, err := e.sim.AddEvent(mispsim.Event{Info: "e", Published: true, Tags: block, Attributes: []mispsim.Attribute{
					{ID: int64(101 + i), Type: "ip-dst", Value: "100.128.0.1", ToIDS: true, Timestamp: ts},
					{ID: int64(201 + i), Type: "ip-dst", Value: fmt.Sprintf("100.128.0.%d", 2+i), ToIDS: true, Timestamp: ts}}}); err != nil {
					t.Fatal(err)
				}
			}
			dir, err := state.Open(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			shared := cache.NewMemory(1 << 20)
			newService := func() *export.Service {
				svc := e.service(export.Options{State: dir, Shared: shared, ReconcileEvery: time.Hour})
				t.Cleanup(svc.WaitDurable)
				return svc
			}
			svc := newService()
			ipv4, _ := indicator.LookupDataType("ipv4")
			req := export.Request{Site: e.site, MISPURL: e.url, MISPKey: mispsim.DefaultKey, Kind: export.KindFeed, Feed: "block",
				DataType: ipv4, Age: "1y", Output: "stix21", TTL: time.Minute, WaitFresh: true}
			get := func() []byte {
				t.Helper()
				res, err := svc.Get(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				return res.Body
			}
			id := stix21.IndicatorID(indicator.Indicator{Type: indicator.IPv4, Value: "100.128.0.1"})
			get()
			// The newest attribute of the value goes: the bundle gives its
			// id a modified time later than that attribute's.
			e.clock.Add(120)
			mispCall(t, e, "/attributes/delete/102", map[string]any{})
			e.clock.Add(120)
			served := get()
			before := modifiedOf(t, served, id)
			if newest := time.Unix(now-3600, 0).UTC().Format("2006-01-02T15:04:05.000Z"); before <= newest {
				t.Fatalf("modified %s after the newest attribute (%s) was deleted", before, newest)
			}

			site := *e.site
			tc.change(&site)
			req.Site = &site
			if tc.restart {
				svc.WaitDurable()
				svc = newService()
			}
			e.clock.Add(120)
			changed := get()
			if after := modifiedOf(t, changed, id); after < before {
				t.Fatalf("modified %s under the new settings, earlier than the %s served:\n%s\nserved before:\n%s", after, before, changed, served)
			}
		})
	}
}
