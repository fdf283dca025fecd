package export_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// A change of settings that a restart applies (config.yaml's never_block,
// a guard rule) puts a list under a new key in a process with no memcached:
// the key last served at the list's URL is read from the state directory,
// so an indicator's modified time does not go back from the bundle a TIP
// holds.
func TestBundleModifiedNeverGoesBackAcrossRestart(t *testing.T) {
	tests := []struct {
		name   string
		change func(o *export.Options, s *config.Site)
	}{
		{"never_block", func(o *export.Options, _ *config.Site) {
			o.NeverBlock = config.NeverBlock{CIDRs: []string{"100.128.0.9"}}
		}},
		{"guard rule", func(_ *export.Options, s *config.Site) { s.Guard.MinPrefixV4 = 16 }},
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
			newService := func(opts export.Options) *export.Service {
				opts.State, opts.ReconcileEvery = dir, time.Hour
				svc := e.service(opts)
				t.Cleanup(svc.WaitDurable)
				return svc
			}
			svc := newService(export.Options{})
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

			svc.WaitDurable()
			var opts export.Options
			site := *e.site
			tc.change(&opts, &site)
			req.Site = &site
			svc = newService(opts)
			e.clock.Add(120)
			changed := get()
			if after := modifiedOf(t, changed, id); after < before {
				t.Fatalf("modified %s after the restart, earlier than the %s served:\n%s\nserved before:\n%s", after, before, changed, served)
			}
		})
	}
}
